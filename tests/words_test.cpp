#include "platform/words.h"

#include <catch2/catch.hpp>

TEST_CASE("words: a word is found whole, between any white space") {
  CHECK(pulse::has_word("fpu vme hypervisor lahf_lm", "hypervisor"));
  CHECK(pulse::has_word("FPU\tVMM  SSE3\n", "VMM"));
  CHECK_FALSE(pulse::has_word("fpu vmx", "vm"));
  CHECK_FALSE(pulse::has_word("kvm-clock-old tsc", "kvm-clock"));
  CHECK_FALSE(pulse::has_word("", "VMM"));
}
