#pragma once

// Many real connections for refresh tests and benches: grants made at the sandbox through the
// whole code flow (sandbox/grants.mjs), stored as brand connections of one tenant with their
// tokens protected as the app protects them, and the sandbox's answers about which refresh
// tokens it saw and which are still live.

#include "core/common/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QStringList>
#include <QUrl>
#include <QUuid>

namespace EasyCrm {
class Workspace;
}

namespace EasyCrm::Testing {

class SandboxServer;

struct SandboxGrant
{
    QByteArray accessToken;
    QByteArray refreshToken;
    qint64 expiresIn = 0;
    QStringList scopes;
};

// `count` grants for alice, one code flow each. Waits at most `timeoutMs`.
[[nodiscard]] Result<QList<SandboxGrant>> makeSandboxGrants(const SandboxServer &sandbox, int count,
                                                            int timeoutMs = 600000);

// The grants file sandbox/grants.mjs and sandbox/refresh-load.mjs read and write: a JSON array
// of {"accessToken","refreshToken","expiresIn","scope"}. Written mode 0600 (live tokens).
[[nodiscard]] Result<QList<SandboxGrant>> readGrantsFile(const QString &path);
[[nodiscard]] Result<void> writeGrantsFile(const QString &path, const QList<SandboxGrant> &grants);

// One brand account and one Connected Sandbox connection per grant, in one transaction,
// access tokens expiring at `expiresAt` (so each is due from then on). Returns the ids.
[[nodiscard]] Result<QList<QUuid>> insertBrandConnections(Workspace &crm,
                                                          const QList<SandboxGrant> &grants,
                                                          const QDateTime &expiresAt);

// GET /__sandbox/refresh-reuse; -1 everywhere when the sandbox did not answer.
struct RefreshReuse
{
    int presented = -1;
    int distinct = -1;
    int reused = -1;
    int maxUses = -1;
};
[[nodiscard]] RefreshReuse refreshReuse(const QUrl &issuer);

// POST /__sandbox/refresh-token-state, in slices the endpoint accepts.
struct RefreshTokenState
{
    int live = -1;
    int spent = -1;
    int unknown = -1;
};
[[nodiscard]] RefreshTokenState refreshTokenState(const QUrl &issuer,
                                                  const QList<QByteArray> &refreshTokens);

// Every stored refresh token of the Sandbox connections, unprotected (test use only).
[[nodiscard]] Result<QList<QByteArray>> storedRefreshTokens(Workspace &crm);

} // namespace EasyCrm::Testing
