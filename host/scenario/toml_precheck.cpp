#include "host/scenario/toml_precheck.hpp"

#include <cstdio>
#include <vector>

#include "host/error.hpp"

namespace skinrd::scenario {
namespace {

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Offset of the first byte that does not start or continue a well-formed UTF-8 sequence
// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), or npos.
std::size_t first_bad_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
    if (c < 0x80) length = 1;
    else if (c >= 0xC2 && c <= 0xDF) length = 2;
    else if (c >= 0xE0 && c <= 0xEF) length = 3, low = c == 0xE0 ? 0xA0 : 0x80, high = c == 0xED ? 0x9F : 0xBF;
    else if (c >= 0xF0 && c <= 0xF4) length = 4, low = c == 0xF0 ? 0x90 : 0x80, high = c == 0xF4 ? 0x8F : 0xBF;
    else return i;
    for (std::size_t k = 1; k < length; ++k) {
      if (i + k >= text.size()) return i + k;
      const auto next = static_cast<unsigned char>(text[i + k]);
      if (k == 1 ? (next < low || next > high) : !is_continuation(next)) return i + k;
    }
    i += length;
  }
  return std::string_view::npos;
}

// Line and column (in characters, from 1) of a byte offset.
struct Position {
  int line = 1, column = 1;
};
Position position_of(std::string_view text, std::size_t offset) {
  Position p;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') p.line += 1, p.column = 1;
    else if (!is_continuation(static_cast<unsigned char>(text[i]))) p.column += 1;
  }
  return p;
}

[[noreturn]] void fail_at(std::string_view text, std::size_t offset, const std::string& source,
                          const std::string& message) {
  const Position p = position_of(text, offset);
  throw ConfigError(source, message + " (column " + std::to_string(p.column) + ")", p.line);
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::size_t run_of(std::string_view text, std::size_t i, char c) {
  std::size_t n = 0;
  while (i + n < text.size() && text[i + n] == c) ++n;
  return n;
}

// Walks the document as toml++ would tokenize valid TOML: strings, comments, table headers,
// arrays and inline tables (to tell a key from a value for the message).
class Scanner {
 public:
  Scanner(std::string_view text, const std::string& source) : text_(text), source_(source) {}

  void scan() {
    std::size_t i = text_.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;  // toml++ skips a BOM
    for (; i < text_.size(); ++i) {
      const char c = text_[i];
      if (c == '\n' && mode_ != Mode::ml_basic && mode_ != Mode::ml_literal) {
        mode_ = Mode::normal;  // a comment ends; an unclosed one-line string is toml++'s error
        in_value_token_ = false;
        if (scopes_.empty()) expect_key_ = true;
        continue;
      }
      switch (mode_) {
        case Mode::normal: i = normal(i); break;
        case Mode::comment: break;
        case Mode::basic: i = basic(i, false); break;
        case Mode::ml_basic: i = basic(i, true); break;
        case Mode::literal:
          if (c == '\'') mode_ = Mode::normal;
          break;
        case Mode::ml_literal:
          if (c == '\'') i = closing(i, '\'');
          break;
      }
    }
  }

 private:
  enum class Mode { normal, comment, basic, literal, ml_basic, ml_literal };

  std::size_t normal(std::size_t i) {
    const char c = text_[i];
    if (static_cast<unsigned char>(c) >= 0x80)
      fail_at(text_, i, source_, expect_key_ ? "non-ASCII characters in a bare key; quote the key"
                                             : "non-ASCII characters outside a string; quote the text");
    // A quote glued to a value (`8""`) opens no string for toml++: it reads on to a value
    // terminator (whitespace , ] } #) to report the bad value, testing each character.
    const bool quote = c == '"' || c == '\'';
    if (is_space(c) || c == ',' || c == ']' || c == '}' || c == '#') in_value_token_ = false;
    else if (!expect_key_ && !quote && c != '[' && c != '{') in_value_token_ = true;
    if (in_value_token_) return i;
    const bool triple = quote && run_of(text_, i, c) >= 3;
    switch (c) {
      case '#': mode_ = Mode::comment; break;
      case '"': mode_ = triple ? Mode::ml_basic : Mode::basic; return triple ? i + 2 : i;
      case '\'': mode_ = triple ? Mode::ml_literal : Mode::literal; return triple ? i + 2 : i;
      case '=': expect_key_ = false; break;
      case '{': scopes_.push_back('{'), expect_key_ = true; break;
      case ',': expect_key_ = !scopes_.empty() && scopes_.back() == '{'; break;
      case '[':
        if (scopes_.empty() && expect_key_) {  // [table] or [[array of tables]]
          scopes_.push_back('H');
          return i + 1 < text_.size() && text_[i + 1] == '[' ? i + 1 : i;
        }
        scopes_.push_back('['), expect_key_ = false;
        break;
      case ']':
      case '}':
        if (!scopes_.empty()) scopes_.pop_back();
        expect_key_ = false;
        break;
      default: break;
    }
    return i;
  }

  // Inside "..." or """...""": escapes, and the characters toml++ tests for whitespace.
  std::size_t basic(std::size_t i, bool multi_line) {
    const char c = text_[i];
    if (c == '"') {
      if (multi_line) return closing(i, '"');
      mode_ = Mode::normal;
      return i;
    }
    if (c != '\\' || i + 1 >= text_.size()) return i;
    if (static_cast<unsigned char>(text_[i + 1]) >= 0x80)
      fail_at(text_, i + 1, source_, "a backslash before a non-ASCII character is no TOML escape; "
                                     "write \\uXXXX");
    if (!multi_line || !is_space(text_[i + 1])) return text_[i + 1] == '\n' ? i : i + 1;
    // A line-ending backslash: toml++ then tests each following character for whitespace.
    std::size_t next = i + 1;
    while (next < text_.size() && is_space(text_[next])) ++next;
    if (next < text_.size() && static_cast<unsigned char>(text_[next]) >= 0x80)
      fail_at(text_, next, source_, "a non-ASCII character right after a line-ending backslash "
                                    "(toml++ 3.3.0 cannot read it); write it as \\uXXXX");
    return i;  // the whitespace itself is scanned on (it may hold newlines)
  }

  // At a quote inside a multi-line string: three to five close it (one or two belong to the text).
  std::size_t closing(std::size_t i, char quote) {
    const std::size_t n = run_of(text_, i, quote);
    if (n >= 3) mode_ = Mode::normal;
    return i + (n >= 3 ? std::min<std::size_t>(n, 5) : n) - 1;
  }

  std::string_view text_;
  const std::string& source_;
  Mode mode_ = Mode::normal;
  bool expect_key_ = true;
  bool in_value_token_ = false;  // inside a bare value (number, date, true, ...)
  std::vector<char> scopes_;  // '[' array, '{' inline table, 'H' table header
};

}  // namespace

void check_utf8(std::string_view text, const std::string& source) {
  const std::size_t bad = first_bad_utf8(text);
  if (bad == std::string_view::npos) return;
  char byte[8];
  std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[bad]));
  fail_at(text, bad, source, std::string("invalid UTF-8 (byte ") + byte + "); TOML text must be UTF-8");
}

void check_toml_input(std::string_view text, const std::string& source) {
  check_utf8(text, source);
  Scanner(text, source).scan();
}

}  // namespace skinrd::scenario
