#include "platform/mac_host_uuid.h"

#include <catch2/catch.hpp>

using pulse::format_host_uuid;
using pulse::HostUuidBytes;

TEST_CASE("gethostuuid's bytes are written lowercase in their own order", "[mac]") {
  const HostUuidBytes bytes = {0x56, 0x4D, 0x1C, 0x2A, 0x9B, 0x0E, 0x4F, 0x3D,
                               0xA1, 0x7C, 0x00, 0x1B, 0x63, 0x84, 0x45, 0xFF};
  CHECK(format_host_uuid(bytes) == "564d1c2a-9b0e-4f3d-a17c-001b638445ff");
}

TEST_CASE("A host uuid of only zeros or only ones is none", "[mac]") {
  HostUuidBytes bytes{};
  CHECK_FALSE(format_host_uuid(bytes));
  bytes.fill(0xff);
  CHECK_FALSE(format_host_uuid(bytes));
  bytes[15] = 0xfe;
  CHECK(format_host_uuid(bytes) == "ffffffff-ffff-ffff-ffff-fffffffffffe");
}
