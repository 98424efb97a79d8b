#pragma once

#include <QLoggingCategory>

namespace EasyCrm::Crypto {

// easycrm.crypto: the stage and the outcome of a protection step, and a key id at most.
// Never key material, plaintext or a protected value.
Q_DECLARE_LOGGING_CATEGORY(lcCrypto)

} // namespace EasyCrm::Crypto
