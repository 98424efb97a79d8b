#pragma once

// The errors of token protection, with the person's message in one place. Internal.

#include "core/common/result.h"

#include <QUuid>

namespace EasyCrm::Crypto::Detail {

// `why` names the failed check for diagnostics; it never quotes the payload.
[[nodiscard]] Error payloadInvalid(const char *why);
[[nodiscard]] Error macMismatch();
[[nodiscard]] Error noDefaultKey();
[[nodiscard]] Error keyNotFound(const QUuid &keyId);
[[nodiscard]] Error keyRevoked(const QUuid &keyId);
[[nodiscard]] Error keyUnusable(const QUuid &keyId);
[[nodiscard]] Error keyRingInvalid(const QString &detail);

} // namespace EasyCrm::Crypto::Detail
