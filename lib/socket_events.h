// The poll(2) event bits a socket wait asks for (see wait_for_socket), which
// each platform defines in its own header.
#pragma once

namespace pulse {

extern const short kSocketReadable;
extern const short kSocketWritable;

}  // namespace pulse
