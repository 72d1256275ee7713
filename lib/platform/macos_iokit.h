// The few IOKit and CoreFoundation functions the serial number needs, as
// their headers declare them. The cross toolchain has libSystem's headers
// but no Apple frameworks, and the binary links libSystem alone, so these
// are looked up with dlsym at run time (macos_serial_number.cpp).
#pragma once

#include <cstdint>

namespace pulse::macos::iokit {

using CFTypeRef = const void*;
using CFStringRef = const void*;
using CFAllocatorRef = const void*;
using CFDictionaryRef = const void*;
using CFMutableDictionaryRef = void*;
using CFIndex = long;
using CFTypeID = unsigned long;
using CFStringEncoding = std::uint32_t;
using Boolean = unsigned char;
using mach_port_t = unsigned int;
using io_object_t = mach_port_t;
using kern_return_t = int;

inline constexpr CFStringEncoding kCFStringEncodingUTF8 = 0x08000100;
// kIOMainPortDefault (kIOMasterPortDefault before macOS 12): MACH_PORT_NULL.
inline constexpr mach_port_t kIOMainPortDefault = 0;

inline constexpr const char* kIOKitPath = "/System/Library/Frameworks/IOKit.framework/IOKit";
inline constexpr const char* kCoreFoundationPath =
    "/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation";

using IOServiceMatchingFn = CFMutableDictionaryRef (*)(const char* name);
// Consumes `matching`.
using IOServiceGetMatchingServiceFn = io_object_t (*)(mach_port_t main_port,
                                                      CFDictionaryRef matching);
using IORegistryEntryCreateCFPropertyFn = CFTypeRef (*)(io_object_t entry, CFStringRef key,
                                                        CFAllocatorRef allocator,
                                                        std::uint32_t options);
using IOObjectReleaseFn = kern_return_t (*)(io_object_t object);

using CFStringCreateWithCStringFn = CFStringRef (*)(CFAllocatorRef allocator, const char* text,
                                                    CFStringEncoding encoding);
using CFStringGetCStringFn = Boolean (*)(CFStringRef text, char* buffer, CFIndex size,
                                         CFStringEncoding encoding);
using CFGetTypeIDFn = CFTypeID (*)(CFTypeRef object);
using CFStringGetTypeIDFn = CFTypeID (*)();
using CFReleaseFn = void (*)(CFTypeRef object);

}  // namespace pulse::macos::iokit
