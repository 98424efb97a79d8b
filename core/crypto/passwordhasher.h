#pragma once

// ASP.NET Core Identity's password hashes (PasswordHasher<TUser>, format v3), so the client
// can check a CRM user's password exactly as the CRM server does.
//
// v3 layout, all integers big-endian, then base64 (what AbpUsers.PasswordHash holds):
//   0x01 | PRF id (uint32) | iteration count (uint32) | salt length (uint32) | salt | subkey
// PRF ids are KeyDerivationPrf: 0 = HMACSHA1, 1 = HMACSHA256, 2 = HMACSHA512. The subkey is
// PBKDF2 (RFC 8018 §5.2) over the UTF-8 password; its length is what remains after the salt.

#include "core/common/result.h"

#include <QByteArrayView>
#include <QString>
#include <QStringView>

namespace EasyCrm::Crypto {

enum class PasswordPrf { HmacSha1 = 0, HmacSha256 = 1, HmacSha512 = 2 };

struct PasswordHashParameters
{
    // ASP.NET Core 7 and later (IdentityV3): HMACSHA512, 100 000 iterations, 128-bit salt,
    // 256-bit subkey. Core 3 to 6 used HMACSHA256 with 10 000 iterations.
    PasswordPrf prf = PasswordPrf::HmacSha512;
    int iterations = 100000;
    int saltLength = 16;
    int subkeyLength = 32;
};

enum class PasswordVerification {
    Failed,
    Success,
    // Correct, but weaker than the current default (fewer iterations, or not HMACSHA512):
    // the server would rehash it at its next sign-in (PasswordVerificationResult).
    SuccessRehashNeeded,
};

class PasswordHasher final
{
public:
    // Above this a stored hash is treated as damaged rather than spending minutes on it.
    static constexpr qint64 kMaxIterations = 10'000'000;

    // A new v3 hash with a fresh random salt.
    [[nodiscard]] static Result<QString> hash(QStringView password,
                                              const PasswordHashParameters &parameters = {});
    // The same with a given salt: for known-answer tests and seeding fixed rows.
    [[nodiscard]] static Result<QString> hashWithSalt(QStringView password, QByteArrayView salt,
                                                      const PasswordHashParameters &parameters);

    // Failed for a wrong password. An error (PasswordHashUnsupported) for a hash that is not
    // base64, not v3 (v2, format byte 0x00, is refused), names an unknown PRF, an iteration
    // count of 0 or above kMaxIterations, a salt or subkey under 128 bits, or does not add up.
    [[nodiscard]] static Result<PasswordVerification> verify(const QString &storedHash,
                                                             QStringView password);

    // The parameters a stored hash was made with (same checks as verify()).
    [[nodiscard]] static Result<PasswordHashParameters> parameters(const QString &storedHash);
};

} // namespace EasyCrm::Crypto
