#include <dlfcn.h>

#include <memory>

#include "platform/macos.h"
#include "platform/macos_iokit.h"

namespace pulse::macos {
namespace {

using namespace iokit;

template <typename Function>
Function symbol(void* library, const char* name) {
  return reinterpret_cast<Function>(::dlsym(library, name));
}

// Opened once and never closed: the frameworks sit in the shared cache
// anyway, and a reload would gain nothing.
void* open_framework(const char* path) { return ::dlopen(path, RTLD_LAZY | RTLD_LOCAL); }

}  // namespace

std::optional<std::string> read_serial_number() {
  static void* const io_kit = open_framework(kIOKitPath);
  static void* const core_foundation = open_framework(kCoreFoundationPath);
  if (io_kit == nullptr || core_foundation == nullptr) return std::nullopt;

  const auto service_matching = symbol<IOServiceMatchingFn>(io_kit, "IOServiceMatching");
  const auto matching_service =
      symbol<IOServiceGetMatchingServiceFn>(io_kit, "IOServiceGetMatchingService");
  const auto create_property =
      symbol<IORegistryEntryCreateCFPropertyFn>(io_kit, "IORegistryEntryCreateCFProperty");
  const auto release_object = symbol<IOObjectReleaseFn>(io_kit, "IOObjectRelease");
  const auto create_string =
      symbol<CFStringCreateWithCStringFn>(core_foundation, "CFStringCreateWithCString");
  const auto get_c_string = symbol<CFStringGetCStringFn>(core_foundation, "CFStringGetCString");
  const auto type_of = symbol<CFGetTypeIDFn>(core_foundation, "CFGetTypeID");
  const auto string_type = symbol<CFStringGetTypeIDFn>(core_foundation, "CFStringGetTypeID");
  const auto release = symbol<CFReleaseFn>(core_foundation, "CFRelease");
  if (!service_matching || !matching_service || !create_property || !release_object ||
      !create_string || !get_c_string || !type_of || !string_type || !release) {
    return std::nullopt;
  }

  const io_object_t platform =
      matching_service(kIOMainPortDefault, service_matching("IOPlatformExpertDevice"));
  if (platform == 0) return std::nullopt;
  const std::unique_ptr<const void, CFReleaseFn> key(
      create_string(nullptr, "IOPlatformSerialNumber", kCFStringEncodingUTF8), release);
  const CFTypeRef value = key ? create_property(platform, key.get(), nullptr, 0) : nullptr;
  release_object(platform);
  if (value == nullptr) return std::nullopt;
  const std::unique_ptr<const void, CFReleaseFn> owned_value(value, release);
  if (type_of(value) != string_type()) return std::nullopt;
  char serial[256] = {};
  if (!get_c_string(value, serial, sizeof serial, kCFStringEncodingUTF8)) return std::nullopt;
  return std::string(serial);
}

}  // namespace pulse::macos
