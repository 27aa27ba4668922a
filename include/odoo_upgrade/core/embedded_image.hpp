#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

// An image embedded in a self-contained document (the HTML UAT report's consultant logo) as a
// `data:` URI (RFC 2397), its type told by its content, never by a file name.
namespace odoo_upgrade::core {

// The largest image embedded: 1 MiB (the report travels by e-mail to the customer).
inline constexpr std::size_t k_embedded_image_max_bytes = 1024 * 1024;

// The media type of `bytes` from their magic bytes: "image/png" (the 8-byte PNG signature, PNG
// spec 5.2), "image/jpeg" (SOI marker FF D8 FF, JPEG/JFIF), "image/svg+xml" (text whose first
// element, after an optional UTF-8 BOM, XML declaration, comments and DOCTYPE, is `<svg`);
// std::nullopt for anything else.
std::optional<std::string_view> image_media_type(std::string_view bytes);

// `bytes` in base64 (RFC 4648 section 4, with padding, no line breaks).
std::string base64_encode(std::string_view bytes);

// "data:<media_type>;base64,<bytes in base64>".
std::string data_uri(std::string_view media_type, std::string_view bytes);

} // namespace odoo_upgrade::core
