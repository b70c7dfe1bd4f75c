#include "ruvector/record_io.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <system_error>
#include <utility>

#include "format/snapshot.h"
#include "ruvector/types.h"

namespace ruvector {
namespace {

constexpr std::uint64_t kProgressStep = 1u << 20;  // report progress every MiB

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool all_space(std::string_view s) { return trim(s).empty(); }

std::string_view strip_bom(std::string_view s) {
  if (s.size() >= 3 && s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
  return s;
}

// Shortens a user-supplied token for quoting in a message.
std::string excerpt(std::string_view s, std::size_t max = 40) {
  if (s.size() <= max) return std::string(s);
  return std::string(s.substr(0, max)) + "...";
}

Status with_place(const Status& s, const std::string& place) { return s.WithContext(place); }

// ---- numbers ----

// The smallest magnitude that rounds to infinity as float32: 2^128 - 2^103 (halfway
// between FLT_MAX and 2^128, which rounds to even, i.e. up). Anything below rounds to
// a finite float; the shortest text of FLT_MAX itself, 3.4028235e38, is above FLT_MAX.
constexpr double kFloatOverflow = 0x1.ffffffp127;

// Converts a parsed double to float32, rejecting what the engine would reject.
// `what` names the value in messages, e.g. "vector[3]".
Status to_float(double d, const std::string& what, float* out) {
  if (std::isnan(d)) return Status::InvalidArgument(what + ": NaN is not allowed; every value must be a finite number");
  if (std::isinf(d))
    return Status::InvalidArgument(what + ": " + (d > 0 ? "Infinity" : "-Infinity") +
                                   " is not allowed; every value must be a finite number");
  if (std::fabs(d) >= kFloatOverflow)
    return Status::InvalidArgument(what + ": " + std::to_string(d) + " is out of float32 range");
  *out = static_cast<float>(d);
  return Status::Ok();
}

// Reads the decimal number spelled by all of [first, last) (no leading '+'; "inf",
// "infinity" and "nan" in any case are read so that to_float can name them).
// kRange: the magnitude does not fit a double. std::from_chars where the standard
// library has it for floating point (libstdc++); otherwise (the libc++ of em++ 3.1.6)
// the same grammar is checked here and strtod converts, which is exact too and sees
// only the "C" locale in WebAssembly.
enum class NumberScan { kOk, kBad, kRange };
NumberScan scan_double(const char* first, const char* last, double* out) {
#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L
  auto [ptr, ec] = std::from_chars(first, last, *out, std::chars_format::general);
  if (ptr != last) return NumberScan::kBad;
  if (ec == std::errc::result_out_of_range) return NumberScan::kRange;
  return ec == std::errc() ? NumberScan::kOk : NumberScan::kBad;
#else
  const std::string_view t(first, static_cast<std::size_t>(last - first));
  std::string_view body = t;
  if (!body.empty() && body.front() == '-') body.remove_prefix(1);
  const std::string word = lower(body);
  if (word == "inf" || word == "infinity" || word == "nan") {
    *out = word == "nan" ? std::numeric_limits<double>::quiet_NaN()
                         : (t.front() == '-' ? -1.0 : 1.0) * std::numeric_limits<double>::infinity();
    return NumberScan::kOk;
  }
  std::size_t i = 0, digits = 0;
  const auto digit = [&](std::size_t k) { return k < body.size() && body[k] >= '0' && body[k] <= '9'; };
  while (digit(i)) ++i, ++digits;
  if (i < body.size() && body[i] == '.') {
    ++i;
    while (digit(i)) ++i, ++digits;
  }
  if (digits == 0) return NumberScan::kBad;
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    ++i;
    if (i < body.size() && (body[i] == '+' || body[i] == '-')) ++i;
    if (!digit(i)) return NumberScan::kBad;
    while (digit(i)) ++i;
  }
  if (i != body.size()) return NumberScan::kBad;
  const std::string copy(t);
  errno = 0;
  *out = std::strtod(copy.c_str(), nullptr);
  return errno == ERANGE && std::isinf(*out) ? NumberScan::kRange : NumberScan::kOk;
#endif
}

// Parses one numeric token (already trimmed): decimal, optional sign and exponent.
// NaN and infinities are recognised so the message can say what is wrong.
Status parse_number(std::string_view token, const std::string& what, float* out) {
  if (token.empty()) return Status::InvalidArgument(what + ": empty value, expected a number");
  std::string_view t = token;
  if (t.front() == '+') t.remove_prefix(1);
  double d = 0;
  NumberScan scan = t.empty() || t.front() == '+' ? NumberScan::kBad : scan_double(t.data(), t.data() + t.size(), &d);
  if (scan == NumberScan::kRange) {
    // Overflow or underflow: decide which with strtod on a terminated copy.
    const std::string copy(t);
    d = std::strtod(copy.c_str(), nullptr);
    if (std::isinf(d) || std::fabs(d) >= kFloatOverflow)
      return Status::InvalidArgument(what + ": " + excerpt(token) + " is out of float32 range");
    scan = NumberScan::kOk;
  }
  if (scan != NumberScan::kOk) return Status::InvalidArgument(what + ": '" + excerpt(token) + "' is not a number");
  return to_float(d, what, out);
}

// ---- row accumulation and validation ----

class Builder {
 public:
  Builder(const RecordReadOptions& options, bool line_numbers) : options_(options) {
    data_.line_numbers = line_numbers;
    data_.dimensions = options.dimensions;
  }

  // "<source>:<line>" or "<source>: row <n>", then ": <label>" when one is set.
  std::string place(std::uint64_t line) const {
    std::string p = data_.line_numbers ? options_.source + ":" + std::to_string(line)
                                       : options_.source + ": row " + std::to_string(line);
    if (!label_.empty()) p += ": " + label_;
    return p;
  }
  // Extra words for place(), e.g. "entry 7" inside a JSON array.
  void set_label(std::string label) { label_ = std::move(label); }

  // Checks a vector's length before its values are parsed (binary formats know it).
  Status check_length(std::size_t n, std::uint64_t line) {
    if (n == 0) return Status::InvalidArgument(place(line) + ": vector is empty");
    if (n > kMaxDimensions)
      return Status::InvalidArgument(place(line) + ": vector has " + std::to_string(n) + " values, the limit is " +
                                     std::to_string(kMaxDimensions));
    if (data_.dimensions == 0) {
      data_.dimensions = static_cast<std::uint32_t>(n);
      first_line_ = line;
      return Status::Ok();
    }
    if (n != data_.dimensions) {
      std::string expected = options_.dimensions != 0
                                 ? "database expects " + std::to_string(data_.dimensions)
                                 : "expected " + std::to_string(data_.dimensions) + " like " +
                                       (data_.line_numbers ? "line " : "row ") + std::to_string(first_line_);
      return Status::DimensionMismatch(place(line) + ": vector has " + std::to_string(n) + " values, " + expected);
    }
    return Status::Ok();
  }

  void reserve(std::size_t rows) {
    if (data_.dimensions != 0) data_.values.reserve(rows * data_.dimensions);
    data_.ids.reserve(rows);
    data_.metadata.reserve(rows);
    data_.lines.reserve(rows);
  }

  // Adds a row whose values are already finite floats.
  Status add(std::span<const float> v, std::string id, Json metadata, std::uint64_t line) {
    RUVECTOR_RETURN_IF_ERROR(check_length(v.size(), line));
    if (id.empty() && options_.id_prefix) id = *options_.id_prefix + std::to_string(data_.rows());
    if (id.size() > kMaxIdBytes)
      return Status::InvalidArgument(place(line) + ": id is " + std::to_string(id.size()) +
                                     " bytes long, the limit is " + std::to_string(kMaxIdBytes));
    if (!metadata.is_null() && !metadata.is_object())
      return Status::InvalidArgument(place(line) + ": metadata must be a JSON object, got " + metadata.type_name());
    data_.values.insert(data_.values.end(), v.begin(), v.end());
    data_.ids.push_back(std::move(id));
    data_.metadata.push_back(std::move(metadata));
    data_.lines.push_back(line);
    return Status::Ok();
  }

  bool full() const { return options_.max_rows != 0 && data_.rows() >= options_.max_rows; }
  std::uint32_t dimensions() const { return data_.dimensions; }

  void progress(std::uint64_t done, std::uint64_t total) {
    if (options_.progress && done - last_progress_ >= kProgressStep) {
      last_progress_ = done;
      options_.progress(done, total);
    }
  }

  RecordRows finish(std::uint64_t total) {
    if (options_.progress) options_.progress(total, total);
    data_.values.shrink_to_fit();
    return std::move(data_);
  }

 private:
  const RecordReadOptions& options_;
  RecordRows data_;
  std::string label_;
  std::uint64_t first_line_ = 0;
  std::uint64_t last_progress_ = 0;
};

Status empty_input(const RecordReadOptions& options) {
  return Status::InvalidArgument(options.source + ": the file is empty");
}

// ---- JSON ----

// The detail of a nlohmann parse error without its "[json.exception...] parse
// error at line 1, column 5: " preamble.
std::string json_error_detail(const std::string& what) {
  const std::size_t col = what.find("column ");
  if (col != std::string::npos) {
    const std::size_t colon = what.find(": ", col);
    if (colon != std::string::npos) return what.substr(colon + 2);
  }
  const std::size_t bracket = what.find("] ");
  return bracket != std::string::npos ? what.substr(bracket + 2) : what;
}

// Line (1-based) and column (1-based) of byte `offset` in `text`.
std::pair<std::uint64_t, std::uint64_t> line_col(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::uint64_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, offset - line_start + 1};
}

// Parses JSON text; syntax errors become "<place>: invalid JSON (column C): detail"
// where place is "<source>:<line>" computed from the error's byte position plus
// `first_line` - 1.
Result<Json> parse_json_text(std::string_view text, const std::string& source, std::uint64_t first_line) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    // e.byte is 1-based and points at the last character read.
    const std::size_t at = e.byte == 0 ? 0 : static_cast<std::size_t>(e.byte - 1);
    auto [line, col] = line_col(text, at);
    return Status::InvalidArgument(source + ":" + std::to_string(first_line + line - 1) + ": invalid JSON (column " +
                                   std::to_string(col) + "): " + json_error_detail(e.what()));
  } catch (const std::exception& e) {
    return Status::InvalidArgument(source + ":" + std::to_string(first_line) + ": invalid JSON: " + e.what());
  }
}

// Lines (1-based) on which the first `count` elements of the entry array start: the
// root array, or the array under the root object's "entries" key. `text` must be
// valid JSON (already parsed); one pass, no allocation beyond the result.
std::vector<std::uint64_t> element_lines(std::string_view text, bool in_entries, std::size_t count) {
  std::vector<std::uint64_t> lines;
  lines.reserve(count);
  int depth = 0;
  int target = 0;  // depth of the entry array, 0 = not entered yet
  bool done = false, expecting = false, in_string = false, escape = false;
  std::size_t string_start = 0;
  std::string_view last_string, key;
  std::uint64_t line = 1;
  for (std::size_t i = 0; i < text.size() && lines.size() < count; ++i) {
    const char c = text[i];
    if (c == '\n') ++line;
    if (in_string) {
      if (escape) {
        escape = false;
      } else if (c == '\\') {
        escape = true;
      } else if (c == '"') {
        in_string = false;
        last_string = text.substr(string_start, i - string_start);
      }
      continue;
    }
    if (is_space(c)) continue;
    if (expecting && !done && c != ',' && c != ':' && c != '}' && c != ']') {
      lines.push_back(line);
      expecting = false;
    }
    switch (c) {
      case '"':
        in_string = true;
        string_start = i + 1;
        break;
      case '{':
      case '[':
        ++depth;
        if (!done && target == 0 && c == '[' &&
            ((!in_entries && depth == 1) || (in_entries && depth == 2 && key == "entries"))) {
          target = depth;
          expecting = true;
        }
        break;
      case '}':
      case ']':
        if (target != 0 && depth == target) done = true;
        --depth;
        expecting = false;
        break;
      case ',':
        if (target != 0 && !done && depth == target) expecting = true;
        break;
      case ':':
        if (depth == 1) key = last_string;
        break;
      default:
        break;
    }
  }
  while (lines.size() < count) lines.push_back(line);  // unreachable for valid JSON
  return lines;
}

const char* json_type(const Json& j) { return j.type_name(); }

// Appends the numbers of a JSON array to `out`.
Status json_vector(const Json& v, std::vector<float>& out) {
  if (!v.is_array()) return Status::InvalidArgument(std::string("vector must be an array of numbers, got ") + json_type(v));
  out.clear();
  out.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    const Json& x = v[i];
    const std::string what = "vector[" + std::to_string(i) + "]";
    if (!x.is_number()) return Status::InvalidArgument(what + " is " + json_type(x) + ", expected a number");
    float f = 0;
    RUVECTOR_RETURN_IF_ERROR(to_float(x.get<double>(), what, &f));
    out.push_back(f);
  }
  return Status::Ok();
}

// Turns one JSON entry ({id?, vector, metadata?} or a bare array of numbers) into a
// row. Errors are returned without a place; the caller adds it.
Status json_entry(const Json& j, std::vector<float>& vec, std::string& id, Json& metadata) {
  id.clear();
  metadata = nullptr;
  if (j.is_array()) return json_vector(j, vec);
  if (!j.is_object())
    return Status::InvalidArgument(std::string("expected an object {\"id\", \"vector\", \"metadata\"} or an array of "
                                                "numbers, got ") +
                                   json_type(j));
  bool has_vector = false;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    const Json& v = it.value();
    if (k == "id") {
      if (v.is_string()) {
        id = v.get<std::string>();
        if (id.empty()) return Status::InvalidArgument("id is empty (leave it out to have one generated)");
      } else if (v.is_number_integer()) {
        id = v.is_number_unsigned() ? std::to_string(v.get<std::uint64_t>()) : std::to_string(v.get<std::int64_t>());
      } else if (!v.is_null()) {
        return Status::InvalidArgument(std::string("id must be a string or an integer, got ") + json_type(v));
      }
    } else if (k == "vector") {
      has_vector = true;
      RUVECTOR_RETURN_IF_ERROR(json_vector(v, vec));
    } else if (k == "metadata") {
      if (!v.is_null() && !v.is_object())
        return Status::InvalidArgument(std::string("metadata must be a JSON object, got ") + json_type(v));
      metadata = v;
    } else {
      return Status::InvalidArgument("unknown key '" + excerpt(k) + "' (an entry has \"id\", \"vector\" and \"metadata\")");
    }
  }
  if (!has_vector) return Status::InvalidArgument("entry has no \"vector\"");
  return Status::Ok();
}

// ---- CSV ----

class CsvReader {
 public:
  explicit CsvReader(std::string_view text) : s_(text) {}

  // Reads the next record into `fields`; false at the end. `line` receives the line
  // the record starts on. Blank lines are skipped.
  Result<bool> next(std::vector<std::string>& fields, std::uint64_t& line, const std::string& source) {
    fields.clear();
    // Skip blank lines.
    while (pos_ < s_.size()) {
      std::size_t e = pos_;
      while (e < s_.size() && (s_[e] == ' ' || s_[e] == '\t' || s_[e] == '\r')) ++e;
      if (e < s_.size() && s_[e] == '\n') {
        pos_ = e + 1;
        ++line_;
      } else if (e == s_.size()) {
        pos_ = e;
      } else {
        break;
      }
    }
    if (pos_ >= s_.size()) return false;
    line = line_;
    std::string field;
    while (true) {
      field.clear();
      if (pos_ < s_.size() && s_[pos_] == '"') {
        const std::uint64_t open_line = line_;
        ++pos_;
        while (true) {
          if (pos_ >= s_.size())
            return Status::InvalidArgument(source + ":" + std::to_string(open_line) +
                                           ": unterminated quoted field (a '\"' opened here is never closed)");
          const char c = s_[pos_++];
          if (c == '"') {
            if (pos_ < s_.size() && s_[pos_] == '"') {
              field.push_back('"');
              ++pos_;
            } else {
              break;
            }
          } else {
            if (c == '\n') ++line_;
            field.push_back(c);
          }
        }
        // After the closing quote: optional spaces, then ',' or end of line.
        while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
        if (pos_ < s_.size() && s_[pos_] != ',' && s_[pos_] != '\n' && s_[pos_] != '\r')
          return Status::InvalidArgument(source + ":" + std::to_string(line_) + ": unexpected '" +
                                         std::string(1, s_[pos_]) + "' after a closing quote");
      } else {
        while (pos_ < s_.size() && s_[pos_] != ',' && s_[pos_] != '\n') field.push_back(s_[pos_++]);
        if (!field.empty() && field.back() == '\r') field.pop_back();
      }
      fields.push_back(field);
      if (pos_ >= s_.size()) break;
      if (s_[pos_] == '\r') ++pos_;
      if (pos_ >= s_.size()) break;
      if (s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (s_[pos_] == '\n') {
        ++pos_;
        ++line_;
        break;
      }
    }
    return true;
  }

  std::size_t position() const { return pos_; }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
  std::uint64_t line_ = 1;
};

// ---- binary helpers ----

std::uint32_t load_u32le(const unsigned char* p) {
  std::uint32_t v = 0;
  std::memcpy(&v, p, 4);
  if constexpr (std::endian::native == std::endian::big)
    v = (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) | (v << 24);
  return v;
}

std::uint16_t load_u16le(const unsigned char* p) {
  return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}

template <class T>
T load_le(const unsigned char* p) {
  unsigned char b[sizeof(T)];
  std::memcpy(b, p, sizeof(T));
  if constexpr (std::endian::native == std::endian::big) std::reverse(b, b + sizeof(T));
  T v;
  std::memcpy(&v, b, sizeof(T));
  return v;
}

// ---- .npy header (a Python dict literal) ----

struct NpyHeader {
  std::string descr;
  bool fortran_order = false;
  std::vector<std::uint64_t> shape;
  bool has_descr = false, has_order = false, has_shape = false;
};

class PyLiteral {
 public:
  explicit PyLiteral(std::string_view s) : s_(s) {}

  Status parse(NpyHeader& h) {
    skip();
    if (!eat('{')) return err("expected '{'");
    while (true) {
      skip();
      if (eat('}')) break;
      std::string key;
      RUVECTOR_RETURN_IF_ERROR(string(key));
      skip();
      if (!eat(':')) return err("expected ':' after '" + excerpt(key) + "'");
      skip();
      if (key == "descr") {
        if (peek() == '[') return Status::InvalidArgument("structured dtypes (a list descr) are not supported");
        RUVECTOR_RETURN_IF_ERROR(string(h.descr));
        h.has_descr = true;
      } else if (key == "fortran_order") {
        if (word("True")) {
          h.fortran_order = true;
        } else if (word("False")) {
          h.fortran_order = false;
        } else {
          return err("fortran_order must be True or False");
        }
        h.has_order = true;
      } else if (key == "shape") {
        RUVECTOR_RETURN_IF_ERROR(tuple(h.shape));
        h.has_shape = true;
      } else {
        RUVECTOR_RETURN_IF_ERROR(skip_value());
      }
      skip();
      if (eat(',')) continue;
      skip();
      if (eat('}')) break;
      return err("expected ',' or '}'");
    }
    return Status::Ok();
  }

 private:
  Status err(const std::string& what) const {
    return Status::InvalidArgument("malformed header at offset " + std::to_string(pos_) + ": " + what);
  }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void skip() {
    while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
  }
  bool eat(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  bool word(std::string_view w) {
    if (s_.substr(pos_, w.size()) != w) return false;
    pos_ += w.size();
    return true;
  }
  Status string(std::string& out) {
    const char q = peek();
    if (q != '\'' && q != '"') return err("expected a quoted string");
    ++pos_;
    out.clear();
    while (pos_ < s_.size() && s_[pos_] != q) {
      if (s_[pos_] == '\\') ++pos_;
      if (pos_ < s_.size()) out.push_back(s_[pos_++]);
      if (out.size() > 64) return err("string too long");
    }
    if (!eat(q)) return err("unterminated string");
    return Status::Ok();
  }
  Status integer(std::uint64_t& out) {
    if (!std::isdigit(static_cast<unsigned char>(peek()))) return err("expected a non-negative integer");
    out = 0;
    while (std::isdigit(static_cast<unsigned char>(peek()))) {
      const std::uint64_t d = static_cast<std::uint64_t>(s_[pos_++] - '0');
      if (out > (std::numeric_limits<std::uint64_t>::max() - d) / 10) return err("integer too large");
      out = out * 10 + d;
    }
    eat('L');  // Python 2 long
    return Status::Ok();
  }
  Status tuple(std::vector<std::uint64_t>& out) {
    if (!eat('(')) return err("shape must be a tuple");
    out.clear();
    while (true) {
      skip();
      if (eat(')')) break;
      std::uint64_t v = 0;
      RUVECTOR_RETURN_IF_ERROR(integer(v));
      out.push_back(v);
      if (out.size() > 32) return err("too many dimensions in shape");
      skip();
      if (eat(',')) continue;
      skip();
      if (eat(')')) break;
      return err("expected ',' or ')' in shape");
    }
    return Status::Ok();
  }
  // Skips a value of an unknown key (strings, numbers, words, nested tuples/lists/dicts).
  Status skip_value() {
    int depth = 0;
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == '\'' || c == '"') {
        std::string ignored;
        RUVECTOR_RETURN_IF_ERROR(string(ignored));
        continue;
      }
      if (c == '(' || c == '[' || c == '{') {
        ++depth;
        if (depth > 32) return err("nesting too deep");
      } else if (c == ')' || c == ']' || c == '}') {
        if (depth == 0) return Status::Ok();
        --depth;
      } else if (c == ',' && depth == 0) {
        return Status::Ok();
      }
      ++pos_;
    }
    return err("unterminated value");
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

enum class NpyType { kF4, kF8, kI1, kU1, kI2, kU2, kI4, kU4, kI8, kU8 };

struct NpyDtype {
  NpyType type;
  std::size_t size;
  const char* name;
};

Result<NpyDtype> npy_dtype(const std::string& descr) {
  static const struct {
    const char* code;
    NpyDtype dtype;
  } kTypes[] = {
      {"f4", {NpyType::kF4, 4, "float32"}}, {"f8", {NpyType::kF8, 8, "float64"}}, {"i1", {NpyType::kI1, 1, "int8"}},
      {"u1", {NpyType::kU1, 1, "uint8"}},   {"i2", {NpyType::kI2, 2, "int16"}},   {"u2", {NpyType::kU2, 2, "uint16"}},
      {"i4", {NpyType::kI4, 4, "int32"}},   {"u4", {NpyType::kU4, 4, "uint32"}},  {"i8", {NpyType::kI8, 8, "int64"}},
      {"u8", {NpyType::kU8, 8, "uint64"}},
  };
  const std::string supported = "supported: float32 '<f4', float64 '<f8', and little-endian integer types";
  if (descr.size() != 3) return Status::InvalidArgument("dtype '" + excerpt(descr) + "' is not supported; " + supported);
  const char order = descr[0];
  const std::string code = descr.substr(1);
  for (const auto& t : kTypes) {
    if (code != t.code) continue;
    const bool little = order == '<' || order == '|' || (order == '=' && std::endian::native == std::endian::little);
    if (order == '>' && t.dtype.size > 1)
      return Status::InvalidArgument("dtype '" + descr + "' is big-endian; convert with arr.astype('<" + code +
                                     "') before saving");
    if (!little && t.dtype.size > 1)
      return Status::InvalidArgument("dtype '" + descr + "' has an unknown byte order; " + supported);
    return t.dtype;
  }
  return Status::InvalidArgument("dtype '" + descr + "' is not supported; " + supported);
}

double npy_value(const unsigned char* p, NpyType t) {
  switch (t) {
    case NpyType::kF4: return static_cast<double>(load_le<float>(p));
    case NpyType::kF8: return load_le<double>(p);
    case NpyType::kI1: return static_cast<double>(static_cast<std::int8_t>(p[0]));
    case NpyType::kU1: return static_cast<double>(p[0]);
    case NpyType::kI2: return static_cast<double>(load_le<std::int16_t>(p));
    case NpyType::kU2: return static_cast<double>(load_le<std::uint16_t>(p));
    case NpyType::kI4: return static_cast<double>(load_le<std::int32_t>(p));
    case NpyType::kU4: return static_cast<double>(load_le<std::uint32_t>(p));
    case NpyType::kI8: return static_cast<double>(load_le<std::int64_t>(p));
    case NpyType::kU8: return static_cast<double>(load_le<std::uint64_t>(p));
  }
  return 0;
}

}  // namespace

// ---- public ----

const char* record_format_name(RecordFormat format) noexcept {
  switch (format) {
    case RecordFormat::kJson: return "json";
    case RecordFormat::kJsonl: return "jsonl";
    case RecordFormat::kCsv: return "csv";
    case RecordFormat::kNpy: return "npy";
    case RecordFormat::kFvecs: return "fvecs";
    case RecordFormat::kSnapshot: return "snapshot";
  }
  return "unknown";
}

Result<RecordFormat> parse_record_format(std::string_view name) {
  const std::string n = lower(trim(name));
  if (n == "json") return RecordFormat::kJson;
  if (n == "jsonl" || n == "ndjson" || n == "jsonlines") return RecordFormat::kJsonl;
  if (n == "csv") return RecordFormat::kCsv;
  if (n == "npy") return RecordFormat::kNpy;
  if (n == "fvecs") return RecordFormat::kFvecs;
  if (n == "snapshot" || n == "rvs") return RecordFormat::kSnapshot;
  return Status::InvalidArgument("unknown format '" + excerpt(name) + "'; expected json, jsonl, csv, npy, fvecs or snapshot");
}

Result<RecordFormat> record_format_from_path(std::string_view path) {
  const std::size_t slash = path.find_last_of('/');
  const std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const std::size_t dot = base.find_last_of('.');
  if (dot == std::string_view::npos || dot == 0)
    return Status::InvalidArgument("cannot tell the format of '" + std::string(path) +
                                   "' from its name; give --format json|jsonl|csv|npy|fvecs|snapshot");
  auto f = parse_record_format(base.substr(dot + 1));
  if (!f.ok())
    return Status::InvalidArgument("unknown file extension '" + std::string(base.substr(dot)) + "' of '" +
                                   std::string(path) + "'; give --format json|jsonl|csv|npy|fvecs|snapshot");
  return f;
}

RecordReadOptions record_read_options_from_json(const Json& j) {
  RecordReadOptions o;
  if (!j.is_object()) return o;
  // A whole number in [0, max], else nullopt.
  const auto whole = [&](const char* key, std::uint64_t max) -> std::optional<std::uint64_t> {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number_integer() || (it->is_number_unsigned() ? false : it->get<std::int64_t>() < 0))
      return std::nullopt;
    const auto v = it->get<std::uint64_t>();
    return v <= max ? std::optional<std::uint64_t>(v) : std::nullopt;
  };
  if (j.contains("source") && j["source"].is_string()) o.source = j["source"].get<std::string>();
  if (auto d = whole("dimensions", kMaxDimensions)) o.dimensions = static_cast<std::uint32_t>(*d);
  if (j.contains("idPrefix") && j["idPrefix"].is_string()) o.id_prefix = j["idPrefix"].get<std::string>();
  if (auto m = whole("maxRows", std::numeric_limits<std::size_t>::max())) o.max_rows = static_cast<std::size_t>(*m);
  return o;
}

std::string RecordRows::where(const std::string& source, std::size_t i) const {
  if (i >= lines.size()) return source;
  return line_numbers ? source + ":" + std::to_string(lines[i]) : source + ": row " + std::to_string(lines[i]);
}

Result<std::vector<float>> parse_vector_text(std::string_view text) {
  std::string_view s = trim(text);
  if (s.empty()) return Status::InvalidArgument("vector is empty; expected e.g. [1, 2, 3] or 1,2,3");
  if (s.front() == '[') {
    if (s.back() != ']') return Status::InvalidArgument("vector starts with '[' but does not end with ']'");
    s = trim(s.substr(1, s.size() - 2));
    if (s.empty()) return Status::InvalidArgument("vector is empty; expected e.g. [1, 2, 3]");
  }
  std::vector<float> out;
  std::size_t i = 0;
  while (true) {
    const std::size_t comma = s.find(',');
    const std::string_view token = trim(s.substr(0, comma));
    float f = 0;
    RUVECTOR_RETURN_IF_ERROR(parse_number(token, "vector[" + std::to_string(i) + "]", &f));
    out.push_back(f);
    ++i;
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  if (out.size() > kMaxDimensions)
    return Status::InvalidArgument("vector has " + std::to_string(out.size()) + " values, the limit is " +
                                   std::to_string(kMaxDimensions));
  return out;
}

double float_for_json(float value) {
  if (!std::isfinite(value)) return static_cast<double>(value);
#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  if (ec != std::errc()) return static_cast<double>(value);
  double d = 0;
  auto r = std::from_chars(buf, end, d);
  if (r.ec != std::errc()) return static_cast<double>(value);
  return d;
#else
  // Shortest "%.*g" that reads back as the same float (9 digits always do).
  char buf[64];
  for (int digits = 1; digits <= 9; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, static_cast<double>(value));
    if (std::strtof(buf, nullptr) == value) return std::strtod(buf, nullptr);
  }
  return static_cast<double>(value);
#endif
}

Result<RecordRows> read_json_records(std::string_view bytes, const RecordReadOptions& options) {
  const std::string_view text = strip_bom(bytes);
  if (all_space(text)) return empty_input(options);
  if (options.progress) options.progress(0, bytes.size());
  RUVECTOR_ASSIGN_OR_RETURN(Json root, parse_json_text(text, options.source, 1));
  Builder b(options, true);
  std::vector<float> vec;
  std::string id;
  Json metadata;

  const Json* entries = nullptr;
  bool in_entries = false;
  if (root.is_array()) {
    // A bare array of numbers is one vector.
    if (!root.empty() && root.front().is_number()) {
      Status st = json_vector(root, vec);
      if (!st.ok()) return with_place(st, options.source + ":1");
      RUVECTOR_RETURN_IF_ERROR(b.add(vec, "", nullptr, 1));
      return b.finish(bytes.size());
    }
    entries = &root;
  } else if (root.is_object()) {
    if (root.contains("entries")) {
      entries = &root["entries"];
      in_entries = true;
      if (!entries->is_array())
        return Status::InvalidArgument(options.source + ": \"entries\" must be an array, got " +
                                       json_type(*entries));
    } else if (root.contains("vector")) {
      // A single entry object.
      Status st = json_entry(root, vec, id, metadata);
      if (!st.ok()) return with_place(st, options.source + ":1");
      RUVECTOR_RETURN_IF_ERROR(b.add(vec, id, std::move(metadata), 1));
      return b.finish(bytes.size());
    } else {
      return Status::InvalidArgument(options.source +
                                     ": expected an array of entries, or an object with an \"entries\" array");
    }
  } else {
    return Status::InvalidArgument(options.source + ": expected an array of entries, got " + json_type(root));
  }

  const std::size_t count = options.max_rows != 0 ? std::min(entries->size(), options.max_rows) : entries->size();
  const std::vector<std::uint64_t> lines = element_lines(text, in_entries, count);
  b.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    b.set_label("entry " + std::to_string(i));
    Status st = json_entry((*entries)[i], vec, id, metadata);
    if (!st.ok()) return with_place(st, b.place(lines[i]));
    RUVECTOR_RETURN_IF_ERROR(b.add(vec, id, std::move(metadata), lines[i]));
  }
  return b.finish(bytes.size());
}

Result<RecordRows> read_jsonl_records(std::string_view bytes, const RecordReadOptions& options) {
  const std::string_view text = strip_bom(bytes);
  if (all_space(text)) return empty_input(options);
  Builder b(options, true);
  std::vector<float> vec;
  std::string id;
  Json metadata;
  std::size_t pos = 0;
  std::uint64_t line = 0;
  while (pos < text.size() && !b.full()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view l = text.substr(pos, end - pos);
    pos = end + 1;
    ++line;
    b.progress(pos, bytes.size());
    if (all_space(l)) continue;
    RUVECTOR_ASSIGN_OR_RETURN(Json j, parse_json_text(l, options.source, line));
    const std::string place = options.source + ":" + std::to_string(line);
    Status st = json_entry(j, vec, id, metadata);
    if (!st.ok()) return with_place(st, place);
    RUVECTOR_RETURN_IF_ERROR(b.add(vec, id, std::move(metadata), line));
  }
  return b.finish(bytes.size());
}

Result<RecordRows> read_csv_records(std::string_view bytes, const RecordReadOptions& options) {
  const std::string_view text = strip_bom(bytes);
  if (all_space(text)) return empty_input(options);
  CsvReader reader(text);
  std::vector<std::string> header;
  std::uint64_t header_line = 0;
  RUVECTOR_ASSIGN_OR_RETURN(bool has_header, reader.next(header, header_line, options.source));
  if (!has_header) return empty_input(options);

  // Classify the columns.
  const std::string hplace = options.source + ":" + std::to_string(header_line);
  std::ptrdiff_t id_col = -1, vector_col = -1, meta_col = -1;
  std::vector<std::size_t> number_cols;
  std::vector<std::string> names(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) {
    names[c] = std::string(trim(header[c]));
    const std::string n = lower(names[c]);
    if (names[c].empty())
      return Status::InvalidArgument(hplace + ": column " + std::to_string(c + 1) +
                                     " of the header has no name (a pandas index? save with index=False)");
    for (std::size_t d = 0; d < c; ++d)
      if (lower(names[d]) == n) return Status::InvalidArgument(hplace + ": column '" + excerpt(names[c]) + "' appears twice in the header");
    if (n == "id") {
      id_col = static_cast<std::ptrdiff_t>(c);
    } else if (n == "vector") {
      vector_col = static_cast<std::ptrdiff_t>(c);
    } else if (n == "metadata") {
      meta_col = static_cast<std::ptrdiff_t>(c);
    } else {
      number_cols.push_back(c);
    }
  }
  if (vector_col >= 0 && !number_cols.empty())
    return Status::InvalidArgument(hplace + ": column '" + excerpt(names[number_cols.front()]) +
                                   "' is not allowed beside a 'vector' column (columns are id, vector, metadata)");
  if (vector_col < 0 && number_cols.empty())
    return Status::InvalidArgument(hplace + ": the header has no 'vector' column and no numeric columns");
  if (vector_col < 0) {
    const std::size_t n = number_cols.size();
    if (options.dimensions != 0 && n != options.dimensions)
      return Status::DimensionMismatch(hplace + ": the header has " + std::to_string(n) +
                                       " numeric columns, database expects " + std::to_string(options.dimensions));
  }

  Builder b(options, true);
  std::vector<std::string> fields;
  std::vector<float> vec;
  std::uint64_t line = 0;
  while (!b.full()) {
    RUVECTOR_ASSIGN_OR_RETURN(bool more, reader.next(fields, line, options.source));
    if (!more) break;
    b.progress(reader.position(), bytes.size());
    const std::string place = options.source + ":" + std::to_string(line);
    if (fields.size() != header.size())
      return Status::InvalidArgument(place + ": has " + std::to_string(fields.size()) + " fields, the header has " +
                                     std::to_string(header.size()));
    std::string id;
    Json metadata;
    if (id_col >= 0) id = std::string(trim(fields[static_cast<std::size_t>(id_col)]));
    if (meta_col >= 0) {
      const std::string_view m = trim(fields[static_cast<std::size_t>(meta_col)]);
      if (!m.empty()) {
        metadata = Json::parse(m.begin(), m.end(), nullptr, false);
        if (metadata.is_discarded())
          return Status::InvalidArgument(place + ": column 'metadata': not valid JSON: " + excerpt(m));
        if (!metadata.is_object() && !metadata.is_null())
          return Status::InvalidArgument(place + ": column 'metadata': must be a JSON object, got " +
                                         metadata.type_name());
      }
    }
    if (vector_col >= 0) {
      auto v = parse_vector_text(fields[static_cast<std::size_t>(vector_col)]);
      if (!v.ok()) return with_place(v.status(), place + ": column 'vector'");
      vec = std::move(v).value();
    } else {
      vec.resize(number_cols.size());
      for (std::size_t k = 0; k < number_cols.size(); ++k) {
        const std::size_t c = number_cols[k];
        Status st = parse_number(trim(fields[c]), "column '" + excerpt(names[c]) + "'", &vec[k]);
        if (!st.ok()) return with_place(st, place);
      }
    }
    RUVECTOR_RETURN_IF_ERROR(b.add(vec, std::move(id), std::move(metadata), line));
  }
  return b.finish(bytes.size());
}

Result<RecordRows> read_npy_records(std::string_view bytes, const RecordReadOptions& options) {
  const std::string& src = options.source;
  if (bytes.empty()) return empty_input(options);
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  if (n < 10 || std::memcmp(p, "\x93NUMPY", 6) != 0) {
    if (n < 10 && n >= 6 && std::memcmp(p, "\x93NUMPY", 6) == 0)
      return Status::InvalidArgument(src + ": truncated .npy header (" + std::to_string(n) + " bytes)");
    return Status::InvalidArgument(src + ": not a .npy file (no \\x93NUMPY magic)");
  }
  const unsigned major = p[6];
  std::size_t header_len = 0, header_start = 0;
  if (major == 1) {
    header_len = load_u16le(p + 8);
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (n < 12) return Status::InvalidArgument(src + ": truncated .npy header (" + std::to_string(n) + " bytes)");
    header_len = load_u32le(p + 8);
    header_start = 12;
  } else {
    return Status::InvalidArgument(src + ": unsupported .npy format version " + std::to_string(major) + "." +
                                   std::to_string(p[7]));
  }
  if (header_len > n - header_start)
    return Status::InvalidArgument(src + ": truncated .npy header: it declares " + std::to_string(header_len) +
                                   " bytes, only " + std::to_string(n - header_start) + " follow");
  NpyHeader h;
  Status st = PyLiteral(bytes.substr(header_start, header_len)).parse(h);
  if (!st.ok()) return with_place(st, src);
  if (!h.has_descr || !h.has_order || !h.has_shape)
    return Status::InvalidArgument(src + ": .npy header lacks 'descr', 'fortran_order' or 'shape'");
  auto dt = npy_dtype(h.descr);
  if (!dt.ok()) return with_place(dt.status(), src);
  if (h.fortran_order)
    return Status::InvalidArgument(src + ": Fortran-order arrays are not supported; save np.ascontiguousarray(arr)");
  std::uint64_t rows = 0, dims = 0;
  if (h.shape.size() == 1) {
    rows = 1;
    dims = h.shape[0];
  } else if (h.shape.size() == 2) {
    rows = h.shape[0];
    dims = h.shape[1];
  } else {
    return Status::InvalidArgument(src + ": array has " + std::to_string(h.shape.size()) +
                                   " dimensions; expected a 2-D array (rows, dimensions) or one 1-D vector");
  }
  if (dims == 0 && rows != 0) return Status::InvalidArgument(src + ": shape has 0 values per row");
  if (dims > kMaxDimensions)
    return Status::InvalidArgument(src + ": rows have " + std::to_string(dims) + " values, the limit is " +
                                   std::to_string(kMaxDimensions));
  const std::size_t data_start = header_start + header_len;
  const std::uint64_t available = n - data_start;
  // rows * dims * itemsize, without overflow, against the bytes present.
  const std::uint64_t row_bytes = dims * dt->size;
  if (row_bytes != 0 && rows > available / row_bytes)
    return Status::InvalidArgument(src + ": truncated .npy data: shape (" + std::to_string(rows) + ", " +
                                   std::to_string(dims) + ") of " + dt->name + " needs more than the " +
                                   std::to_string(available) + " bytes after the header");
  const std::uint64_t need = rows * row_bytes;
  if (need != available)
    return Status::InvalidArgument(src + ": .npy data is " + std::to_string(available) + " bytes, shape (" +
                                   std::to_string(rows) + ", " + std::to_string(dims) + ") of " + dt->name +
                                   " needs " + std::to_string(need));
  if (rows > 0 && options.dimensions != 0 && dims != options.dimensions)
    return Status::DimensionMismatch(src + ": vectors have " + std::to_string(dims) + " values, database expects " +
                                     std::to_string(options.dimensions));

  Builder b(options, false);
  const std::uint64_t take = options.max_rows != 0 ? std::min<std::uint64_t>(rows, options.max_rows) : rows;
  std::vector<float> vec(static_cast<std::size_t>(dims));
  if (take > 0) {
    RUVECTOR_RETURN_IF_ERROR(b.check_length(static_cast<std::size_t>(dims), 0));
    b.reserve(static_cast<std::size_t>(take));
  }
  const std::string prefix = options.id_prefix.value_or("");
  for (std::uint64_t r = 0; r < take; ++r) {
    const unsigned char* row = p + data_start + r * row_bytes;
    for (std::size_t c = 0; c < vec.size(); ++c) {
      const double d = npy_value(row + c * dt->size, dt->type);
      Status vs = to_float(d, "vector[" + std::to_string(c) + "]", &vec[c]);
      if (!vs.ok()) return with_place(vs, src + ": row " + std::to_string(r));
    }
    RUVECTOR_RETURN_IF_ERROR(b.add(vec, prefix + std::to_string(r), nullptr, r));
    b.progress(data_start + (r + 1) * row_bytes, n);
  }
  return b.finish(n);
}

Result<RecordRows> read_fvecs_records(std::string_view bytes, const RecordReadOptions& options) {
  const std::string& src = options.source;
  if (bytes.empty()) return empty_input(options);
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  Builder b(options, false);
  std::vector<float> vec;
  const std::string prefix = options.id_prefix.value_or("");
  std::size_t pos = 0;
  std::uint64_t r = 0;
  bool reserved = false;
  while (pos < n && !b.full()) {
    const std::string place = src + ": row " + std::to_string(r) + " (byte " + std::to_string(pos) + ")";
    if (n - pos < 4)
      return Status::InvalidArgument(place + ": truncated: " + std::to_string(n - pos) +
                                     " bytes left, a row starts with a 4-byte dimension");
    const auto d = static_cast<std::int32_t>(load_u32le(p + pos));
    if (d <= 0 || static_cast<std::uint64_t>(d) > kMaxDimensions)
      return Status::InvalidArgument(place + ": dimension " + std::to_string(d) + " is out of range 1.." +
                                     std::to_string(kMaxDimensions));
    const auto dims = static_cast<std::size_t>(d);
    if ((n - pos - 4) / 4 < dims)
      return Status::InvalidArgument(place + ": truncated: the row declares " + std::to_string(dims) + " values (" +
                                     std::to_string(dims * 4) + " bytes), only " + std::to_string(n - pos - 4) +
                                     " bytes remain");
    RUVECTOR_RETURN_IF_ERROR(b.check_length(dims, r));
    if (!reserved) {
      // Bounded by the input: every row takes 4 + 4 * dims bytes.
      std::size_t rows = n / (4 + 4 * dims);
      if (options.max_rows != 0) rows = std::min(rows, options.max_rows);
      b.reserve(rows);
      reserved = true;
    }
    vec.resize(dims);
    for (std::size_t c = 0; c < dims; ++c) {
      const double v = static_cast<double>(load_le<float>(p + pos + 4 + 4 * c));
      Status vs = to_float(v, "vector[" + std::to_string(c) + "]", &vec[c]);
      if (!vs.ok()) return with_place(vs, src + ": row " + std::to_string(r));
    }
    RUVECTOR_RETURN_IF_ERROR(b.add(vec, prefix + std::to_string(r), nullptr, r));
    pos += 4 + 4 * dims;
    ++r;
    b.progress(pos, n);
  }
  return b.finish(n);
}

Result<RecordRows> read_snapshot_records(std::string_view bytes, const RecordReadOptions& options) {
  const std::string& src = options.source;
  if (bytes.empty()) return empty_input(options);
  auto decoded = detail::decode_snapshot(bytes);
  if (!decoded.ok()) return decoded.status().WithContext(src);
  const detail::DecodedSnapshot& snap = *decoded;
  const std::size_t count = snap.ids.size();
  if (count > 0 && options.dimensions != 0 && snap.dimensions != options.dimensions)
    return Status::DimensionMismatch(src + ": the snapshot's vectors have " + std::to_string(snap.dimensions) +
                                     " values, database expects " + std::to_string(options.dimensions));
  Builder b(options, false);
  const std::size_t rows = options.max_rows != 0 ? std::min(count, options.max_rows) : count;
  b.reserve(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    Json metadata;
    if (!snap.metadata_json[i].empty()) {
      metadata = Json::parse(snap.metadata_json[i], nullptr, false);
      if (metadata.is_discarded())
        return Status::Corruption(src + ": record " + std::to_string(i) + ": metadata is not valid JSON");
    }
    const std::span<const float> v(snap.vectors.data() + i * snap.dimensions, snap.dimensions);
    RUVECTOR_RETURN_IF_ERROR(b.add(v, std::string(snap.ids[i]), std::move(metadata), i));
    b.progress(i, rows);
  }
  return b.finish(rows);
}

Result<RecordRows> read_records(std::string_view bytes, RecordFormat format, const RecordReadOptions& options) {
  try {
    switch (format) {
      case RecordFormat::kJson: return read_json_records(bytes, options);
      case RecordFormat::kJsonl: return read_jsonl_records(bytes, options);
      case RecordFormat::kCsv: return read_csv_records(bytes, options);
      case RecordFormat::kNpy: return read_npy_records(bytes, options);
      case RecordFormat::kFvecs: return read_fvecs_records(bytes, options);
      case RecordFormat::kSnapshot: return read_snapshot_records(bytes, options);
    }
  } catch (const std::bad_alloc&) {
    return Status::ResourceExhausted(options.source + ": out of memory while parsing");
  } catch (const std::exception& e) {
    return Status::InvalidArgument(options.source + ": " + e.what());
  }
  return Status::InvalidArgument("unknown import format");
}

}  // namespace ruvector
