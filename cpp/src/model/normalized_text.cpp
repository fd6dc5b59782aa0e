// NormalizedText (normalized_text.hpp): the tokenizers library's NormalizedString operations that the
// normalizers and pre-tokenizers are made of, with the same alignments.
#include "normalized_text.hpp"

#include <algorithm>

#include "unicode.hpp"

namespace attn {
namespace {

bool continuation(char byte) { return (static_cast<unsigned char>(byte) & 0xC0) == 0x80; }

}  // namespace

NormalizedText::NormalizedText(std::string_view original) {
  const auto d = unicode::decode_utf8(original);
  for (std::size_t i = 0; i < d.chars.size(); ++i) {
    const std::size_t before = text_.size();
    unicode::append_utf8(d.chars[i], text_);
    alignments_.insert(alignments_.end(), text_.size() - before, Alignment{d.starts[i], d.starts[i + 1]});
  }
}

std::u32string NormalizedText::chars() const { return unicode::decode_utf8(text_).chars; }

void NormalizedText::transform(const std::vector<Change>& changes, std::size_t removed) {
  // `offset` walks the old text: the byte where the next replaced character starts.
  std::size_t offset = 0;
  const auto skip_char = [&] {
    if (offset < text_.size()) {
      ++offset;
      while (offset < text_.size() && continuation(text_[offset])) ++offset;
    }
  };
  for (std::size_t k = 0; k < removed; ++k) skip_char();
  std::string text;
  std::vector<Alignment> alignments;
  text.reserve(text_.size());
  alignments.reserve(alignments_.size());
  const Alignment nothing{original_start_, original_start_};
  for (const Change& x : changes) {
    Alignment a;
    if (x.change > 0) {
      a = offset > 0 && offset <= alignments_.size() ? alignments_[offset - 1] : nothing;  // shares the one before
    } else {
      a = offset < alignments_.size() ? alignments_[offset] : alignments_.empty() ? nothing : alignments_.back();
      skip_char();
      for (int k = 0; k < -x.change; ++k) skip_char();
    }
    const std::size_t before = text.size();
    unicode::append_utf8(x.c, text);
    alignments.insert(alignments.end(), text.size() - before, a);
  }
  text_ = std::move(text);
  alignments_ = std::move(alignments);
}

void NormalizedText::replace(const std::vector<std::pair<std::size_t, std::size_t>>& matches, std::string_view content) {
  if (matches.empty()) return;
  std::string text;
  std::vector<Alignment> alignments;
  std::size_t copied = 0;
  const Alignment nothing{original_start_, original_start_};
  for (const auto& [start, end] : matches) {
    text.append(text_, copied, start - copied);
    alignments.insert(alignments.end(), alignments_.begin() + std::ptrdiff_t(copied), alignments_.begin() + std::ptrdiff_t(start));
    const Alignment a = end > 0 ? alignments_[end - 1] : nothing;
    text += content;
    alignments.insert(alignments.end(), content.size(), a);
    copied = end;
  }
  text.append(text_, copied, std::string::npos);
  alignments.insert(alignments.end(), alignments_.begin() + std::ptrdiff_t(copied), alignments_.end());
  text_ = std::move(text);
  alignments_ = std::move(alignments);
}

void NormalizedText::prepend(std::string_view prefix) {
  if (text_.empty() || prefix.empty()) return;
  const Alignment here{alignments_.front().start, alignments_.front().start};
  text_.insert(0, prefix);
  alignments_.insert(alignments_.begin(), prefix.size(), here);
}

void NormalizedText::to_byte_characters(const char32_t (&alphabet)[256]) {
  std::string text;
  std::vector<Alignment> alignments;
  for (std::size_t at = 0; at < text_.size();) {
    std::size_t length = 1;
    while (at + length < text_.size() && continuation(text_[at + length])) ++length;
    const Alignment a = alignments_[at];
    const bool own_bytes = a.end - a.start == length;
    for (std::size_t k = 0; k < length; ++k) {
      const std::size_t before = text.size();
      unicode::append_utf8(alphabet[static_cast<unsigned char>(text_[at + k])], text);
      alignments.insert(alignments.end(), text.size() - before, own_bytes ? Alignment{a.start + k, a.start + k + 1} : a);
    }
    at += length;
  }
  text_ = std::move(text);
  alignments_ = std::move(alignments);
}

NormalizedText NormalizedText::slice(std::size_t begin, std::size_t end) const {
  NormalizedText piece;
  piece.text_ = text_.substr(begin, end - begin);
  piece.alignments_.assign(alignments_.begin() + std::ptrdiff_t(begin), alignments_.begin() + std::ptrdiff_t(end));
  piece.original_start_ = begin < alignments_.size() ? alignments_[begin].start : alignments_.empty() ? original_start_ : alignments_.back().end;
  return piece;
}

std::pair<std::size_t, std::size_t> NormalizedText::original_range(std::size_t begin, std::size_t end) const {
  if (begin >= end || end > alignments_.size()) {
    const std::size_t at = begin < alignments_.size() ? alignments_[begin].start : alignments_.empty() ? original_start_ : alignments_.back().end;
    return {at, at};
  }
  std::size_t start = alignments_[begin].start, stop = alignments_[end - 1].end;
  // Inside a character that stands for as many original bytes as it has: a byte stands for its own.
  const auto own_byte = [&](std::size_t at) -> std::pair<bool, std::size_t> {
    std::size_t first = at;
    while (first > 0 && continuation(text_[first])) --first;
    std::size_t length = 1;
    while (first + length < text_.size() && continuation(text_[first + length])) ++length;
    const Alignment a = alignments_[first];
    return {a.end - a.start == length, a.start + (at - first)};
  };
  if (continuation(text_[begin])) {
    if (const auto [own, at] = own_byte(begin); own) start = at;
  }
  if (end < text_.size() && continuation(text_[end])) {
    if (const auto [own, at] = own_byte(end); own) stop = at;
  }
  return {start, std::max(start, stop)};
}

std::vector<Piece> pieces_of(std::size_t length, const std::vector<std::pair<std::size_t, std::size_t>>& matches) {
  if (length == 0) return {{{0, 0}, false}};
  std::vector<Piece> pieces;
  std::size_t previous = 0;
  for (const auto& [start, end] : matches) {
    if (previous != start) pieces.push_back({{previous, start}, false});
    pieces.push_back({{start, end}, true});
    previous = end;
  }
  if (previous != length) pieces.push_back({{previous, length}, false});
  return pieces;
}

std::vector<NormalizedText> split(const NormalizedText& text, std::vector<Piece> pieces, SplitBehavior behavior) {
  // As the library folds them: (range, removed) for each piece to keep or drop.
  std::vector<std::pair<std::pair<std::size_t, std::size_t>, bool>> parts;
  bool previous_match = false;
  switch (behavior) {
    case SplitBehavior::kRemoved:
      for (const Piece& p : pieces) parts.push_back({p.range, p.match});
      break;
    case SplitBehavior::kIsolated:
      for (const Piece& p : pieces) parts.push_back({p.range, false});
      break;
    case SplitBehavior::kContiguous:
      for (const Piece& p : pieces) {
        if (p.match == previous_match && !parts.empty()) parts.back().first.second = p.range.second;
        else parts.push_back({p.range, false});
        previous_match = p.match;
      }
      break;
    case SplitBehavior::kMergedWithPrevious:
      for (const Piece& p : pieces) {
        if (p.match && !previous_match && !parts.empty()) parts.back().first.second = p.range.second;
        else parts.push_back({p.range, false});
        previous_match = p.match;
      }
      break;
    case SplitBehavior::kMergedWithNext:
      for (auto p = pieces.rbegin(); p != pieces.rend(); ++p) {
        if (p->match && !previous_match && !parts.empty()) parts.back().first.first = p->range.first;
        else parts.push_back({p->range, false});
        previous_match = p->match;
      }
      std::reverse(parts.begin(), parts.end());
      break;
  }
  std::vector<NormalizedText> out;
  for (const auto& [range, removed] : parts) {
    if (!removed) out.push_back(text.slice(range.first, range.second));
  }
  return out;
}

}  // namespace attn
