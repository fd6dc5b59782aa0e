const worker = new Worker('worker.mjs', { type: 'module' });
worker.onmessage = (event) => { document.getElementById('result').textContent = JSON.stringify(event.data); };
worker.onerror = (event) => { document.getElementById('result').textContent = JSON.stringify({ failed: event.message }); };
worker.postMessage({ simd: 'auto' });
