#include "core/crypto/cryptologging.h"

namespace EasyCrm::Crypto {

// Debug output is off until a filter rule ("easycrm.crypto.debug=true") switches it on.
Q_LOGGING_CATEGORY(lcCrypto, "easycrm.crypto", QtInfoMsg)

} // namespace EasyCrm::Crypto
