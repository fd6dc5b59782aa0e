// Your own model: a Hugging Face checkpoint's files, chosen with "Your own model…" or dropped anywhere on the
// page (the files, or their folder), loaded by the engine tensor by tensor with a progress bar. Once loaded it
// is the model 'checkpoint' of the model chooser, and the page shows it.
const $ = (id) => document.getElementById(id);
const megabytes = (bytes) => (bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0);

// Dropped files, or the files of a dropped folder (one level: a checkpoint's folder).
async function droppedFiles(entries, files) {
  if (!entries.some((entry) => entry?.isDirectory)) return files;
  const out = [];
  const fileOf = (entry) => new Promise((resolve, reject) => entry.file(resolve, reject));
  for (const entry of entries) {
    if (entry?.isFile) out.push(await fileOf(entry));
    if (!entry?.isDirectory) continue;
    const reader = entry.createReader();
    for (let batch; (batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject))).length;) {
      for (const child of batch) if (child.isFile) out.push(await fileOf(child));
    }
  }
  return out;
}

export function bindModelPicker(store, engine) {
  const progress = $('checkpoint-progress'), note = $('checkpoint-status');

  async function load(files) {
    if (files.length === 0) return;
    note.classList.toggle('error', !engine.started);
    if (!engine.started) {
      note.textContent = 'The WebAssembly core is still loading: choose the files again in a moment.';
      return;
    }
    note.textContent = `Reading ${files.length} file${files.length === 1 ? '' : 's'}…`;
    progress.removeAttribute('value');
    progress.hidden = false;
    try {
      const config = await engine.loadCheckpoint(files, ({ loaded, total }) => {
        progress.max = total;
        progress.value = loaded;
        note.textContent = `Reading model.safetensors: ${megabytes(loaded)} of ${megabytes(total)} MB`;
      });
      const option = $('model').querySelector('option[value="checkpoint"]');
      option.disabled = false;
      option.textContent = `your own model: ${config.name}`;
      note.textContent = `Loaded ${config.name}: ${config.layers} layers × ${config.heads} heads, dModel ${config.dModel}` +
        `${config.causal ? ', causal' : ''}, up to ${config.maxLength} tokens.`;
      store.commit({ ...store.state, model: 'checkpoint', layer: 0, head: 0 }, true);
    } catch (error) {
      note.textContent = `Could not load your model: ${error.message}`;
      note.classList.add('error');
    } finally {
      progress.hidden = true;
    }
  }

  const picker = $('checkpoint-files');
  $('checkpoint-open').addEventListener('click', () => picker.click());
  picker.addEventListener('change', () => { load([...picker.files]); picker.value = ''; });

  const hasFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes('Files');
  document.addEventListener('dragover', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    document.body.classList.add('dropping');
  });
  document.addEventListener('dragleave', (event) => { if (!event.relatedTarget) document.body.classList.remove('dropping'); });
  document.addEventListener('drop', (event) => {
    document.body.classList.remove('dropping');
    if (!hasFiles(event)) return;
    event.preventDefault();
    const entries = [...event.dataTransfer.items].map((item) => item.webkitGetAsEntry?.());  // only now, in the event
    droppedFiles(entries, [...event.dataTransfer.files]).then(load);
  });
}
