#include "platform/mac_platform.h"

#include <catch2/catch.hpp>

#include "fake_sysctl.h"

using pulse::detect_mac_platform;

TEST_CASE("A Mac with no hypervisor is bare metal", "[mac]") {
  FakeSysctl sysctl;
  sysctl.texts["hw.model"] = "MacBookPro18,3";
  sysctl.numbers["kern.hv_vmm_present"] = 0;
  CHECK(detect_mac_platform(sysctl) == "bare-metal");
}

TEST_CASE("A Mac too old to know hv_vmm_present is bare metal without the VMM flag", "[mac]") {
  FakeSysctl sysctl;
  sysctl.texts["hw.model"] = "MacBookPro11,5";
  sysctl.texts["machdep.cpu.features"] = "FPU VME DE PSE TSC MSR PAE MCE CX8 APIC SEP";
  CHECK(detect_mac_platform(sysctl) == "bare-metal");
}

TEST_CASE("A guest the kernel knows to be one, of no known hypervisor, is vm", "[mac]") {
  FakeSysctl sysctl;
  sysctl.texts["hw.model"] = "iMacPro1,1";
  sysctl.numbers["kern.hv_vmm_present"] = 1;
  sysctl.texts["machdep.cpu.brand_string"] = "Intel(R) Xeon(R) CPU E5-2697 v2 @ 2.70GHz";
  CHECK(detect_mac_platform(sysctl) == "vm");
}

TEST_CASE("Intel's hypervisor bit alone makes a vm", "[mac]") {
  FakeSysctl sysctl;
  sysctl.texts["hw.model"] = "iMac14,2";
  sysctl.texts["machdep.cpu.features"] = "FPU VME SSE3 VMM AVX1.0";
  CHECK(detect_mac_platform(sysctl) == "vm");
  sysctl.texts["machdep.cpu.features"] = "FPU VME SSE3 VMMX AVX1.0";
  CHECK(detect_mac_platform(sysctl) == "bare-metal");
}

TEST_CASE("Hypervisors are told by the model they give the guest", "[mac]") {
  FakeSysctl sysctl;
  sysctl.numbers["kern.hv_vmm_present"] = 1;
  for (auto [model, platform] : {std::pair{"VMware7,1", "vmware"}, {"VMware20,1", "vmware"},
                                 {"VirtualBox", "virtualbox"}, {"Parallels-ARM", "vm"},
                                 {"VirtualMac2,1", "vm"}}) {
    sysctl.texts["hw.model"] = model;
    CHECK(detect_mac_platform(sysctl) == platform);
  }
}

TEST_CASE("QEMU dressed as a Mac is told by its CPU's name", "[mac]") {
  FakeSysctl sysctl;
  sysctl.texts["hw.model"] = "iMacPro1,1";
  sysctl.texts["machdep.cpu.brand_string"] = "QEMU Virtual CPU version 2.5+";
  sysctl.numbers["kern.hv_vmm_present"] = 1;
  CHECK(detect_mac_platform(sysctl) == "qemu");
  sysctl.numbers["kern.hv_vmm_present"] = 0;
  CHECK(detect_mac_platform(sysctl) == "bare-metal");
}

TEST_CASE("Nothing readable at all is bare metal", "[mac]") {
  CHECK(detect_mac_platform(FakeSysctl{}) == "bare-metal");
}
