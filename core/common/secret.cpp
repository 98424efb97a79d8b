#include "core/common/secret.h"

#include <openssl/crypto.h>

namespace EasyCrm {

void wipe(QByteArray &secret)
{
    if (secret.isEmpty())
        return;
    // Only wipe memory we own alone; a shared buffer belongs to another holder too.
    if (!secret.isDetached()) {
        secret.clear();
        return;
    }
    OPENSSL_cleanse(secret.data(), static_cast<size_t>(secret.size()));
    secret.clear();
}

void wipe(QString &secret)
{
    if (secret.isEmpty())
        return;
    // Literals and shared buffers are not ours to overwrite (a literal is read-only memory).
    if (!secret.isDetached()) {
        secret.clear();
        return;
    }
    OPENSSL_cleanse(secret.data(), static_cast<size_t>(secret.size()) * sizeof(QChar));
    secret.clear();
}

} // namespace EasyCrm
