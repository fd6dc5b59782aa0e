// Small public models on the Hugging Face Hub that this playground reads, offered by name in "Open from the
// Hugging Face Hub…". Only families the core reads belong here (cpp/src/model/architectures.cpp). Their download
// sizes are not written here: the page asks the Hub's API when the dialog opens. Legacy names without an owner
// are fine (the Hub redirects them; the page then shows the canonical name).
export const SUGGESTED_MODELS = [
  { repo: 'gpt2', about: 'GPT-2 small, 12 layers × 12 heads, causal' },
  { repo: 'distilgpt2', about: 'DistilGPT-2, 6 layers × 12 heads, causal' },
  { repo: 'EleutherAI/pythia-70m', about: 'Pythia 70M (GPT-NeoX), 6 layers × 8 heads, causal' },
  { repo: 'HuggingFaceTB/SmolLM2-135M', about: 'SmolLM2 135M (Llama), 30 layers × 9 heads sharing 3 key/value heads, causal' },
  { repo: 'Qwen/Qwen2.5-0.5B', about: 'Qwen2.5 0.5B, 24 layers × 14 heads sharing 2 key/value heads, causal' },
  { repo: 'bert-base-uncased', about: 'BERT base, 12 layers × 12 heads, bidirectional' },
  { repo: 'distilbert-base-uncased', about: 'DistilBERT, 6 layers × 12 heads, bidirectional' },
  { repo: 'FacebookAI/roberta-base', about: 'RoBERTa base, 12 layers × 12 heads, bidirectional' },
];

// Above this download size the reader confirms before anything is downloaded.
export const CONFIRM_ABOVE_BYTES = 100e6;
