#pragma once
// Dropping root after the sockets are bound (port 53 needs it, serving does not).
#include <string>

#include "dns/result.hpp"

namespace zoned::server {

// Switches the process to `user` (its uid, primary gid, no supplementary
// groups). Running as that user already is fine; any other non-root start
// is an error, as is an unknown user.
[[nodiscard]] Result<bool> drop_privileges(const std::string& user);

}  // namespace zoned::server
