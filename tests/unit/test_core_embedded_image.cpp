// Unit tests of core/embedded_image: the image type told by the magic bytes, base64 and data: URIs.
#include <odoo_upgrade/core/embedded_image.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace odoo_upgrade::core;

TEST_CASE("core::image_media_type", "[core]") {
  using namespace std::string_literals;
  CHECK(image_media_type("\x89PNG\r\n\x1A\n\0\0\0\rIHDR"s) == "image/png");
  CHECK(image_media_type("\xFF\xD8\xFF\xE0\0\x10JFIF"s) == "image/jpeg");
  CHECK(image_media_type("<svg xmlns=\"http://www.w3.org/2000/svg\"/>") == "image/svg+xml");
  CHECK(image_media_type("\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- logo -->\n<!DOCTYPE svg PUBLIC "
                         "\"-//W3C//DTD SVG 1.1//EN\" \"x.dtd\">\n  <svg>") == "image/svg+xml");
  // The content decides, whatever the file was called: none of these is an image.
  for (const std::string& other : {"GIF89a"s,
                                   "%PDF-1.7"s,
                                   "<svgx/>"s,
                                   "<html><svg></svg></html>"s,
                                   "<!-- unterminated"s,
                                   "\x89PNG\r\n"s,
                                   ""s}) {
    INFO(other);
    CHECK_FALSE(image_media_type(other));
  }
}

TEST_CASE("core::base64_encode and core::data_uri", "[core]") {
  // RFC 4648 section 10's test vectors.
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("foob") == "Zm9vYg==");
  CHECK(base64_encode("fooba") == "Zm9vYmE=");
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  CHECK(base64_encode(std::string("\xFF\xFE\x00", 3)) == "//4A");
  CHECK(data_uri("image/png", "foo") == "data:image/png;base64,Zm9v");
}
