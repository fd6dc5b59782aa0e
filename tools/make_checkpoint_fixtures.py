#!/usr/bin/python3
"""Writes tests/fixtures/checkpoints/{bert,distilbert,gpt2}/: tiny random-weight checkpoints in the real on-disk
formats of Hugging Face models (config.json, model.safetensors, and vocab.txt / tokenizer.json /
tokenizer_config.json or vocab.json + merges.txt), and reference.json with what an independent implementation
computes on them: token ids and byte offsets, and every layer's attention weights and hidden states from a
PyTorch forward pass written here from the models' published definitions (float64).

Needs only Debian's python3-torch (no transformers, no tokenizers package):
    /usr/bin/python3 tools/make_checkpoint_fixtures.py       (npm run fixtures runs it)

bert:       BertForMaskedLM-style names ("bert." prefix, extra cls.* and position_ids tensors), float32,
            uncased (vocab.txt + tokenizer_config.json).
distilbert: float16 weights, cased, its tokenizer as tokenizer.json.
gpt2:       GPT-2 names without a prefix (as the published gpt2 checkpoint), the causal-mask buffers
            h.N.attn.bias, Conv1D (in, out) weights, byte-level BPE with merges learned here.
gpt2-bf16:  the same with bfloat16 weights (other random values).
"""
import json
import math
import pathlib
import struct
import unicodedata

import torch

ROOT = pathlib.Path(__file__).resolve().parent.parent / 'tests/fixtures/checkpoints'
torch.manual_seed(7)

SENTENCES = [
    'The cat sat on the mat.',
    'Unbelievable: the café\'s naïve owner played jazz!',
    "We're playing in 2024, aren't we?",
    '猫がマットの上に座った。',
]
# Tokenizer-only cases: the edges of the algorithms.
TOKENIZER_TEXTS = SENTENCES + [
    '', '   ', 'HELLO   World', 'tab\there\nnew line', 'x' * 120, 'ÀÉÎÕÜ àéîõü ß İstanbul ΣΊΣΥΦΟΣ',
    'emoji 🐈 and 👩‍👩‍👧 family', 'control\u0000\u0007chars\u200b here\ufeff', 'dots... and—dashes – (brackets) [x] {y}',
    "it's they've I'll we'd she's 'quoted'", '한국어 텍스트', 'مرحبا بالعالم', 'numbers 3.14 and 1,000,000 ²³',
    'mixed🐈text123abc', 'trailing spaces   ', '\u00a0non-breaking\u2003em space\u3000ideographic',
    'combining e\u0301 and a\u0308', 'ﬁ ligature and Ａ fullwidth',
]

# ---------------------------------------------------------------------------------------------------------------
# BERT's tokenizer, as the `tokenizers` library defines it (BertNormalizer, BertPreTokenizer, WordPiece).

WHITE_SPACE = set([*range(0x09, 0x0E), 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F,
                   0x205F, 0x3000])
CJK = [(0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F), (0x2B740, 0x2B81F),
       (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)]


def is_space(c):
    return ord(c) in WHITE_SPACE


def bert_normalize(text, lowercase, strip_accents):
    """-> [(normalized character, index of the original character)]"""
    out = []
    for i, c in enumerate(text):
        space = c in '\t\n\r' or is_space(c)
        if not space and (ord(c) == 0 or ord(c) == 0xFFFD or unicodedata.category(c)[0] == 'C'):
            continue
        if space:
            c = ' '
        chars = unicodedata.normalize('NFD', c) if strip_accents else c
        if strip_accents:
            chars = ''.join(x for x in chars if unicodedata.category(x) != 'Mn')
        if lowercase:
            chars = ''.join(x.lower() for x in chars)
        if any(a <= ord(c) <= b for a, b in CJK):
            chars = f' {chars} '
        out += [(x, i) for x in chars]
    return out


def is_punctuation(c):
    return (ord(c) < 0x80 and c in '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~') or unicodedata.category(c).startswith('P')


def wordpiece_encode(text, vocab, lowercase, strip_accents):
    """-> [(id, byte start, byte end)] over the UTF-8 text."""
    starts = [len(text[:i].encode()) for i in range(len(text) + 1)]
    chars = bert_normalize(text, lowercase, strip_accents)
    words, current = [], []
    for c, origin in chars + [(' ', None)]:
        if is_space(c) or is_punctuation(c):
            if current:
                words.append(current)
            current = []
            if is_punctuation(c):
                words.append([(c, origin)])
        else:
            current.append((c, origin))
    tokens = []
    for word in words:
        span = lambda a, b: (starts[word[a][1]], starts[word[b - 1][1] + 1])
        if len(word) > 100:
            tokens.append((vocab['[UNK]'], *span(0, len(word))))
            continue
        pieces, start = [], 0
        while start < len(word):
            for stop in range(len(word), start, -1):
                piece = ('##' if start else '') + ''.join(c for c, _ in word[start:stop])
                if piece in vocab:
                    pieces.append((vocab[piece], *span(start, stop)))
                    start = stop
                    break
            else:
                pieces = [(vocab['[UNK]'], *span(0, len(word)))]
                break
        tokens += pieces
    return tokens


# ---------------------------------------------------------------------------------------------------------------
# GPT-2's byte-level BPE.

def bytes_to_unicode():
    bs = list(range(ord('!'), ord('~') + 1)) + list(range(ord('¡'), ord('¬') + 1)) + list(range(ord('®'), ord('ÿ') + 1))
    cs, n = bs[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


BYTE_CHARS = bytes_to_unicode()


def gpt2_pretokenize(text):
    """'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+ by hand -> [str]"""
    letter = lambda c: unicodedata.category(c)[0] == 'L'
    number = lambda c: unicodedata.category(c)[0] == 'N'
    other = lambda c: not is_space(c) and not letter(c) and not number(c)
    pieces, i, n = [], 0, len(text)
    while i < n:
        end = i
        if text[i] == "'":
            for suffix in ['s', 't', 're', 've', 'm', 'll', 'd']:
                if text.startswith(suffix, i + 1):
                    end = i + 1 + len(suffix)
                    break
        for test in (letter, number, other):
            if end > i:
                break
            j = i + 1 if text[i] == ' ' and i + 1 < n and test(text[i + 1]) else i
            if test(text[j]):
                end = j
                while end < n and test(text[end]):
                    end += 1
        if end == i:
            while end < n and is_space(text[end]):
                end += 1
            if end < n and end - i > 1:
                end -= 1
        pieces.append(text[i:end])
        i = end
    return pieces


def merge_pair(parts, pair):
    """Every occurrence of the pair, left to right, joined into one part."""
    merged, k = [], 0
    while k < len(parts):
        if k + 1 < len(parts) and (parts[k], parts[k + 1]) == pair:
            merged.append(parts[k] + parts[k + 1])
            k += 2
        else:
            merged.append(parts[k])
            k += 1
    return merged


def bpe(word, ranks):
    parts = list(word)
    while len(parts) > 1:
        pairs = [(ranks.get((a, b), math.inf), k) for k, (a, b) in enumerate(zip(parts, parts[1:]))]
        best = min(pairs)[0]
        if best == math.inf:
            break
        parts = merge_pair(parts, next((parts[k], parts[k + 1]) for r, k in pairs if r == best))
    return parts


def gpt2_encode(text, vocab, ranks):
    tokens, position = [], 0
    for piece in gpt2_pretokenize(text):
        raw = piece.encode()
        for part in bpe(''.join(BYTE_CHARS[b] for b in raw), ranks):
            length = len(part)  # one character per byte
            tokens.append((vocab[part], position, position + length))
            position += length
    return tokens


def learn_merges(texts, count):
    words = {}
    for text in texts:
        for piece in gpt2_pretokenize(text):
            key = tuple(BYTE_CHARS[b] for b in piece.encode())
            words[key] = words.get(key, 0) + 1
    merges = []
    for _ in range(count):
        pairs = {}
        for word, weight in words.items():
            for pair in zip(word, word[1:]):
                pairs[pair] = pairs.get(pair, 0) + weight
        if not pairs:
            break
        best = max(sorted(pairs), key=lambda p: pairs[p])
        merges.append(best)
        new = {}
        for word, weight in words.items():
            parts = tuple(merge_pair(list(word), best))
            new[parts] = new.get(parts, 0) + weight
        words = new
    return merges


# ---------------------------------------------------------------------------------------------------------------
# Reference forward passes (float64), from the models' definitions.

def layer_norm(x, w, b, eps):
    mean = x.mean(-1, keepdim=True)
    var = ((x - mean) ** 2).mean(-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * w + b


def attention(q, k, v, heads, causal):
    n, d = q.shape
    dk = d // heads
    split = lambda t: t.reshape(n, heads, dk).transpose(0, 1)  # (heads, n, dk)
    scores = split(q) @ split(k).transpose(1, 2) / math.sqrt(dk)
    if causal:
        scores = scores.masked_fill(torch.triu(torch.ones(n, n, dtype=torch.bool), 1), -math.inf)
    weights = torch.softmax(scores, -1)
    return weights, (weights @ split(v)).transpose(0, 1).reshape(n, d)


gelu_erf = lambda x: 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))
gelu_tanh = lambda x: 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


def encoder_forward(p, ids, layers, heads, eps, names):
    """BERT and DistilBERT: post-LayerNorm. names(l, part) -> the tensor's name."""
    w = lambda name: p[name].double()
    linear = lambda x, base: x @ w(base + '.weight').T + w(base + '.bias')
    n = len(ids)
    x = w(names(None, 'word'))[ids] + w(names(None, 'position'))[:n]
    if names(None, 'type'):
        x = x + w(names(None, 'type'))[0]
    x = layer_norm(x, w(names(None, 'ln') + '.weight'), w(names(None, 'ln') + '.bias'), eps)
    attentions, hidden = [], [x]
    for l in range(layers):
        q, k, v = (linear(x, names(l, part)) for part in ('q', 'k', 'v'))
        weights, context = attention(q, k, v, heads, False)
        x = layer_norm(linear(context, names(l, 'o')) + x, w(names(l, 'ln1') + '.weight'), w(names(l, 'ln1') + '.bias'), eps)
        x = layer_norm(linear(gelu_erf(linear(x, names(l, 'ff1'))), names(l, 'ff2')) + x,
                       w(names(l, 'ln2') + '.weight'), w(names(l, 'ln2') + '.bias'), eps)
        attentions.append(weights)
        hidden.append(x)
    return attentions, hidden


def gpt2_forward(p, ids, layers, heads, eps):
    w = lambda name: p[name].double()
    conv1d = lambda x, base: x @ w(base + '.weight') + w(base + '.bias')
    ln = lambda x, base: layer_norm(x, w(base + '.weight'), w(base + '.bias'), eps)
    n = len(ids)
    x = w('wte.weight')[ids] + w('wpe.weight')[:n]
    attentions, hidden = [], [x]
    for l in range(layers):
        q, k, v = conv1d(ln(x, f'h.{l}.ln_1'), f'h.{l}.attn.c_attn').chunk(3, -1)
        weights, context = attention(q, k, v, heads, True)
        x = x + conv1d(context, f'h.{l}.attn.c_proj')
        x = x + conv1d(gelu_tanh(conv1d(ln(x, f'h.{l}.ln_2'), f'h.{l}.mlp.c_fc')), f'h.{l}.mlp.c_proj')
        attentions.append(weights)
        hidden.append(x)
    hidden[-1] = ln(x, 'ln_f')  # as transformers reports it: the last hidden state after the final LayerNorm
    return attentions, hidden


# ---------------------------------------------------------------------------------------------------------------
# Files.

DTYPES = {torch.float32: 'F32', torch.float16: 'F16', torch.bfloat16: 'BF16', torch.int64: 'I64', torch.uint8: 'BOOL'}


def write_safetensors(path, tensors):
    header, offset, blobs = {'__metadata__': {'format': 'pt'}}, 0, []
    for name, t in tensors.items():
        data = (t.view(torch.int16) if t.dtype == torch.bfloat16 else t).contiguous().numpy().tobytes()  # numpy has no bfloat16
        header[name] = {'dtype': DTYPES[t.dtype], 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)
    path.write_bytes(struct.pack('<Q', len(text)) + text + b''.join(blobs))


def random_weights(shapes, dtype):
    out = {}
    for name, shape in shapes.items():
        if name.endswith(('LayerNorm.weight', 'layer_norm.weight', 'ln_1.weight', 'ln_2.weight', 'ln_f.weight')):
            t = 1 + 0.1 * torch.randn(shape)
        elif name.endswith('.bias'):
            t = 0.1 * torch.randn(shape)
        else:
            t = 0.4 * torch.randn(shape)
        out[name] = t.to(dtype)
    return out


def rounded(values):
    return [float(f'{v:.9g}') for v in values]


def reference(model_dir, encode, forward, special):
    cases = []
    for text in SENTENCES:
        tokens = special(encode(text))
        ids = [t[0] for t in tokens]
        attentions, hidden = forward(ids)
        cases.append({
            'text': text, 'ids': ids, 'offsets': [[s, e] for _, s, e in tokens],
            'attentions': rounded(torch.stack(attentions).flatten().tolist()),
            'hidden': rounded(torch.stack(hidden).flatten().tolist()),
        })
    tokenize = [{'text': t, 'ids': [x[0] for x in encode(t)], 'offsets': [[s, e] for _, s, e in encode(t)]}
                for t in TOKENIZER_TEXTS]
    (model_dir / 'reference.json').write_text(json.dumps({'cases': cases, 'tokenize': tokenize}, ensure_ascii=False) + '\n')


def bert_vocab(lowercase):
    words = ['the', 'cat', 'sat', 'on', 'mat', 'play', '##ing', '##ed', 'un', '##believ', '##able', 'cafe', 'caf',
             '##e', 'na', '##ive', 'owner', 'jazz', 'we', 'in', 'are', '##n', 'hello', 'world', 'new', 'line',
             'tab', 'here', 'and', 'dots', 'it', 'they', 'family', 'emoji', 'numbers', '20', '##24', 'istanbul']
    if not lowercase:
        words += ['The', 'Un', 'HELLO', 'World', 'We', 'I']
    chars = sorted(set(''.join(''.join(c for c, _ in bert_normalize(t, lowercase, lowercase)) for t in TOKENIZER_TEXTS))
                   - set(' '))
    tokens = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] + chars + ['##' + c for c in chars if c.isalnum()] + words
    return list(dict.fromkeys(tokens))  # first occurrence of each


def make_bert():
    d = ROOT / 'bert'
    d.mkdir(parents=True, exist_ok=True)
    tokens = bert_vocab(lowercase=True)
    vocab = {t: i for i, t in enumerate(tokens)}
    (d / 'vocab.txt').write_text('\n'.join(tokens) + '\n')
    (d / 'tokenizer_config.json').write_text(json.dumps({'do_lower_case': True, 'tokenizer_class': 'BertTokenizer'}, indent=2) + '\n')
    H, I, L, A, P = 32, 64, 2, 4, 40
    config = {'architectures': ['BertForMaskedLM'], 'model_type': 'bert', 'vocab_size': len(tokens), 'hidden_size': H,
              'num_hidden_layers': L, 'num_attention_heads': A, 'intermediate_size': I, 'hidden_act': 'gelu',
              'max_position_embeddings': P, 'type_vocab_size': 2, 'layer_norm_eps': 1e-12, 'torch_dtype': 'float32'}
    (d / 'config.json').write_text(json.dumps(config, indent=2) + '\n')
    shapes = {'bert.embeddings.word_embeddings.weight': (len(tokens), H), 'bert.embeddings.position_embeddings.weight': (P, H),
              'bert.embeddings.token_type_embeddings.weight': (2, H), 'bert.embeddings.LayerNorm.weight': (H,),
              'bert.embeddings.LayerNorm.bias': (H,)}
    for l in range(L):
        b = f'bert.encoder.layer.{l}.'
        for part in ('query', 'key', 'value'):
            shapes[b + f'attention.self.{part}.weight'], shapes[b + f'attention.self.{part}.bias'] = (H, H), (H,)
        shapes.update({b + 'attention.output.dense.weight': (H, H), b + 'attention.output.dense.bias': (H,),
                       b + 'attention.output.LayerNorm.weight': (H,), b + 'attention.output.LayerNorm.bias': (H,),
                       b + 'intermediate.dense.weight': (I, H), b + 'intermediate.dense.bias': (I,),
                       b + 'output.dense.weight': (H, I), b + 'output.dense.bias': (H,),
                       b + 'output.LayerNorm.weight': (H,), b + 'output.LayerNorm.bias': (H,)})
    shapes.update({'cls.predictions.bias': (len(tokens),), 'cls.predictions.transform.dense.weight': (H, H)})
    p = random_weights(shapes, torch.float32)
    p['bert.embeddings.position_ids'] = torch.arange(P).unsqueeze(0)  # an int64 buffer real checkpoints carry
    write_safetensors(d / 'model.safetensors', p)

    def names(l, part):
        if l is None:
            return {'word': 'bert.embeddings.word_embeddings.weight', 'position': 'bert.embeddings.position_embeddings.weight',
                    'type': 'bert.embeddings.token_type_embeddings.weight', 'ln': 'bert.embeddings.LayerNorm'}[part]
        return f'bert.encoder.layer.{l}.' + {'q': 'attention.self.query', 'k': 'attention.self.key', 'v': 'attention.self.value',
                                             'o': 'attention.output.dense', 'ln1': 'attention.output.LayerNorm',
                                             'ff1': 'intermediate.dense', 'ff2': 'output.dense', 'ln2': 'output.LayerNorm'}[part]
    reference(d, lambda t: wordpiece_encode(t, vocab, True, True),
              lambda ids: encoder_forward(p, ids, L, A, 1e-12, names),
              lambda toks: [(vocab['[CLS]'], 0, 0)] + toks + [(vocab['[SEP]'], 0, 0)])


def make_distilbert():
    d = ROOT / 'distilbert'
    d.mkdir(parents=True, exist_ok=True)
    tokens = bert_vocab(lowercase=False)
    vocab = {t: i for i, t in enumerate(tokens)}
    tokenizer = {'version': '1.0', 'normalizer': {'type': 'BertNormalizer', 'clean_text': True, 'handle_chinese_chars': True,
                                                  'strip_accents': None, 'lowercase': False},
                 'pre_tokenizer': {'type': 'BertPreTokenizer'},
                 'model': {'type': 'WordPiece', 'unk_token': '[UNK]', 'continuing_subword_prefix': '##',
                           'max_input_chars_per_word': 100, 'vocab': vocab}}
    (d / 'tokenizer.json').write_text(json.dumps(tokenizer, ensure_ascii=False, indent=1) + '\n')
    H, I, L, A, P = 32, 64, 2, 4, 40
    config = {'architectures': ['DistilBertForMaskedLM'], 'model_type': 'distilbert', 'vocab_size': len(tokens), 'dim': H,
              'n_layers': L, 'n_heads': A, 'hidden_dim': I, 'activation': 'gelu', 'max_position_embeddings': P,
              'sinusoidal_pos_embds': False, 'torch_dtype': 'float16'}
    (d / 'config.json').write_text(json.dumps(config, indent=2) + '\n')
    shapes = {'distilbert.embeddings.word_embeddings.weight': (len(tokens), H), 'distilbert.embeddings.position_embeddings.weight': (P, H),
              'distilbert.embeddings.LayerNorm.weight': (H,), 'distilbert.embeddings.LayerNorm.bias': (H,)}
    for l in range(L):
        b = f'distilbert.transformer.layer.{l}.'
        for part in ('q_lin', 'k_lin', 'v_lin', 'out_lin'):
            shapes[b + f'attention.{part}.weight'], shapes[b + f'attention.{part}.bias'] = (H, H), (H,)
        shapes.update({b + 'sa_layer_norm.weight': (H,), b + 'sa_layer_norm.bias': (H,), b + 'ffn.lin1.weight': (I, H),
                       b + 'ffn.lin1.bias': (I,), b + 'ffn.lin2.weight': (H, I), b + 'ffn.lin2.bias': (H,),
                       b + 'output_layer_norm.weight': (H,), b + 'output_layer_norm.bias': (H,)})
    shapes.update({'vocab_projector.bias': (len(tokens),), 'vocab_transform.weight': (H, H)})
    p = random_weights(shapes, torch.float16)
    write_safetensors(d / 'model.safetensors', p)

    def names(l, part):
        if l is None:
            return {'word': 'distilbert.embeddings.word_embeddings.weight', 'position': 'distilbert.embeddings.position_embeddings.weight',
                    'type': None, 'ln': 'distilbert.embeddings.LayerNorm'}[part]
        return f'distilbert.transformer.layer.{l}.' + {'q': 'attention.q_lin', 'k': 'attention.k_lin', 'v': 'attention.v_lin',
                                                       'o': 'attention.out_lin', 'ln1': 'sa_layer_norm', 'ff1': 'ffn.lin1',
                                                       'ff2': 'ffn.lin2', 'ln2': 'output_layer_norm'}[part]
    reference(d, lambda t: wordpiece_encode(t, vocab, False, False),
              lambda ids: encoder_forward(p, ids, L, A, 1e-12, names),
              lambda toks: [(vocab['[CLS]'], 0, 0)] + toks + [(vocab['[SEP]'], 0, 0)])


def make_gpt2(name='gpt2', dtype=torch.float32):
    d = ROOT / name
    d.mkdir(parents=True, exist_ok=True)
    merges = learn_merges(TOKENIZER_TEXTS, 120)
    tokens = [BYTE_CHARS[b] for b in range(256)] + [a + b for a, b in merges]
    tokens = list(dict.fromkeys(tokens)) + ['<|endoftext|>']
    vocab = {t: i for i, t in enumerate(tokens)}
    ranks = {pair: i for i, pair in enumerate(merges)}
    (d / 'vocab.json').write_text(json.dumps(vocab, ensure_ascii=False) + '\n')
    (d / 'merges.txt').write_text('#version: 0.2\n' + ''.join(f'{a} {b}\n' for a, b in merges))
    E, L, A, P = 32, 2, 4, 40
    config = {'architectures': ['GPT2LMHeadModel'], 'model_type': 'gpt2', 'vocab_size': len(tokens), 'n_embd': E,
              'n_layer': L, 'n_head': A, 'n_positions': P, 'n_ctx': P, 'n_inner': None,
              'activation_function': 'gelu_new', 'layer_norm_epsilon': 1e-5, 'bos_token_id': vocab['<|endoftext|>'],
              'eos_token_id': vocab['<|endoftext|>']}
    (d / 'config.json').write_text(json.dumps(config, indent=2) + '\n')
    shapes = {'wte.weight': (len(tokens), E), 'wpe.weight': (P, E), 'ln_f.weight': (E,), 'ln_f.bias': (E,)}
    for l in range(L):
        b = f'h.{l}.'
        shapes.update({b + 'ln_1.weight': (E,), b + 'ln_1.bias': (E,), b + 'attn.c_attn.weight': (E, 3 * E),
                       b + 'attn.c_attn.bias': (3 * E,), b + 'attn.c_proj.weight': (E, E), b + 'attn.c_proj.bias': (E,),
                       b + 'ln_2.weight': (E,), b + 'ln_2.bias': (E,), b + 'mlp.c_fc.weight': (E, 4 * E),
                       b + 'mlp.c_fc.bias': (4 * E,), b + 'mlp.c_proj.weight': (4 * E, E), b + 'mlp.c_proj.bias': (E,)})
    p = random_weights(shapes, dtype)
    for l in range(L):  # the causal-mask buffer old checkpoints carry
        p[f'h.{l}.attn.bias'] = torch.tril(torch.ones(P, P, dtype=torch.uint8)).view(1, 1, P, P)
    write_safetensors(d / 'model.safetensors', p)
    eot = vocab['<|endoftext|>']
    reference(d, lambda t: gpt2_encode(t, vocab, ranks), lambda ids: gpt2_forward(p, ids, L, A, 1e-5),
              lambda toks: [(eot, 0, 0)] + toks)


if __name__ == '__main__':
    make_bert()
    make_distilbert()
    make_gpt2()
    make_gpt2('gpt2-bf16', torch.bfloat16)
    for d in sorted(ROOT.iterdir()):
        print(d.name, ', '.join(f'{f.name} {f.stat().st_size}' for f in sorted(d.iterdir())))
