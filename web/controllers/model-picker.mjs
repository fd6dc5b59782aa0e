// Your own model: a Hugging Face checkpoint's files, chosen with "Your own model…" or dropped anywhere on the
// page (the files, or their folder), loaded by the engine tensor by tensor with a progress bar and a Cancel
// button (web/controllers/model-loads.mjs). Once loaded it is the model 'checkpoint' of the model chooser, named
// by its folder when there is one, and the page shows it.
const $ = (id) => document.getElementById(id);

// Dropped files, or the files of a dropped folder (one level: a checkpoint's folder): -> { files, folder }.
async function droppedFiles(entries, files) {
  if (!entries.some((entry) => entry?.isDirectory)) return { files, folder: null };
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
  return { files: out, folder: entries.find((entry) => entry?.isDirectory).name };
}

// What a loaded model is, for the status line: 'gpt2: 12 layers × 12 heads, dModel 768, causal, up to 1024 tokens'.
export const describeModel = (config) => `${config.name}: ${config.layers} layers × ${config.heads} heads, dModel ${config.dModel}`
  + `${config.causal ? ', causal' : ''}, up to ${config.maxLength} tokens`;

// loads: web/controllers/model-loads.mjs's, shared with the Hub's dialog (one load at a time).
export function bindModelPicker(store, engine, loads) {
  async function load({ files, folder = null }) {
    if (files.length === 0) return;
    if (!engine.started) return loads.say('The WebAssembly core is still loading: choose the files again in a moment.', true);
    loads.say(`Reading ${files.length} file${files.length === 1 ? '' : 's'}…`);
    const config = await loads.run('your model', (options) => engine.loadCheckpoint(files, { ...options, ...(folder ? { name: folder } : {}) }));
    if (!config) return;
    const option = $('model').querySelector('option[value="checkpoint"]');
    option.disabled = false;
    option.textContent = `your own model: ${config.name}`;
    loads.say(`Loaded ${describeModel(config)}.`);
    store.commit({ ...store.state, model: 'checkpoint', layer: 0, head: 0 }, true);
  }

  const picker = $('checkpoint-files');
  $('checkpoint-open').addEventListener('click', () => picker.click());
  picker.addEventListener('change', () => { load({ files: [...picker.files] }); picker.value = ''; });

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
