#pragma once
// Checks TOML text before toml++ sees it. Debian's toml++ 3.3.0 reaches an `unreachable`
// marker (undefined behaviour) when its whitespace test meets a non-ASCII character outside a
// string (a bare key such as `aΜ = 1`, a value such as `v = Μ`) or right after a backslash in a
// multi-line basic string (toml++ issues #190 and #295, fixed upstream by PR #305). TOML 1.0
// allows non-ASCII only inside strings and comments, so refusing it elsewhere loses nothing.
#include <string>
#include <string_view>

namespace skinrd::scenario {

// Throws ConfigError(source, message, line) for bytes that are not UTF-8 (with the line and
// column of the first bad byte) and for non-ASCII characters outside strings and comments, or
// right after a backslash in a basic string. Non-ASCII text in strings and comments passes.
void check_toml_input(std::string_view text, const std::string& source);

// Only the UTF-8 part of the check (for text that is not a TOML document, such as a --set key).
void check_utf8(std::string_view text, const std::string& source);

}  // namespace skinrd::scenario
