// Small public models on the Hugging Face Hub that this playground reads, offered by name in "Open from the
// Hugging Face Hub…". Only families the core reads belong here (cpp/src/model/architectures.cpp): when it learns
// one (llama, qwen2, gpt_neox, …), add its small models, e.g. 'EleutherAI/pythia-70m' or 'HuggingFaceTB/SmolLM2-135M'.
// Their download sizes are not written here: the page asks the Hub's API when the dialog opens. Legacy names
// without an owner are fine (the Hub redirects them; the page then shows the canonical name).
export const SUGGESTED_MODELS = [
  { repo: 'gpt2', about: 'GPT-2 small, 12 layers × 12 heads, causal' },
  { repo: 'distilgpt2', about: 'DistilGPT-2, 6 layers × 12 heads, causal' },
  { repo: 'bert-base-uncased', about: 'BERT base, 12 layers × 12 heads, bidirectional' },
  { repo: 'distilbert-base-uncased', about: 'DistilBERT, 6 layers × 12 heads, bidirectional' },
];

// Above this download size the reader confirms before anything is downloaded.
export const CONFIRM_ABOVE_BYTES = 100e6;
