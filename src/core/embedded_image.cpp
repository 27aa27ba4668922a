#include <odoo_upgrade/core/embedded_image.hpp>

namespace odoo_upgrade::core {

namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

std::string_view skip_space(std::string_view text) {
  auto at = text.find_first_not_of(" \t\r\n");
  return at == std::string_view::npos ? std::string_view() : text.substr(at);
}

// Skips what may come before an SVG's root element: an XML declaration or processing
// instruction, comments and a DOCTYPE. Returns the text from the first element on.
std::string_view skip_prolog(std::string_view text) {
  for (text = skip_space(text);;) {
    std::string_view end;
    if (starts_with(text, "<?")) {
      end = "?>";
    } else if (starts_with(text, "<!--")) {
      end = "-->";
    } else if (starts_with(text, "<!")) {
      end = ">";
    } else {
      return text;
    }
    auto at = text.find(end);
    if (at == std::string_view::npos) {
      return {};
    }
    text = skip_space(text.substr(at + end.size()));
  }
}

bool is_svg(std::string_view bytes) {
  if (starts_with(bytes, "\xEF\xBB\xBF")) {
    bytes.remove_prefix(3);
  }
  std::string_view root = skip_prolog(bytes);
  if (!starts_with(root, "<svg") || root.size() < 5) {
    return false;
  }
  char after = root[4];
  return after == ' ' || after == '>' || after == '\t' || after == '\n' || after == '\r' ||
         after == '/';
}

} // namespace

std::optional<std::string_view> image_media_type(std::string_view bytes) {
  if (starts_with(bytes, std::string_view("\x89PNG\r\n\x1A\n", 8))) {
    return "image/png";
  }
  if (starts_with(bytes, "\xFF\xD8\xFF")) {
    return "image/jpeg";
  }
  if (is_svg(bytes)) {
    return "image/svg+xml";
  }
  return std::nullopt;
}

std::string base64_encode(std::string_view bytes) {
  static constexpr char k_alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned n = static_cast<unsigned char>(bytes[i]) << 16 |
                 static_cast<unsigned char>(bytes[i + 1]) << 8 |
                 static_cast<unsigned char>(bytes[i + 2]);
    out += k_alphabet[n >> 18 & 63];
    out += k_alphabet[n >> 12 & 63];
    out += k_alphabet[n >> 6 & 63];
    out += k_alphabet[n & 63];
  }
  if (i < bytes.size()) {
    unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
    bool two = i + 1 < bytes.size();
    if (two) {
      n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    }
    out += k_alphabet[n >> 18 & 63];
    out += k_alphabet[n >> 12 & 63];
    out += two ? k_alphabet[n >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

std::string data_uri(std::string_view media_type, std::string_view bytes) {
  return "data:" + std::string(media_type) + ";base64," + base64_encode(bytes);
}

} // namespace odoo_upgrade::core
