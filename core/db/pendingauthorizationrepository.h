#pragma once

#include "core/common/result.h"
#include "core/db/entities.h"

namespace EasyCrm::Db {

class Database;

// SocialCrmPendingAuthorizations: the server-side record of an authorization in flight
// (RFC 6749 §10.12 CSRF state, RFC 7636 verifier). Single use, short-lived.
class PendingAuthorizationRepository final
{
public:
    explicit PendingAuthorizationRepository(Database &db)
        : m_db(db)
    {}

    // Lowercase hex SHA-256 of the state as sent to the browser; only this is stored.
    [[nodiscard]] static QString hashState(const QByteArray &state);

    // creationTime and expiresAt must be set; the id is assigned when empty, the stamp
    // always.
    [[nodiscard]] Result<void> insert(PendingAuthorization &pending);

    // Marks the row consumed with one conditional UPDATE, so of two callbacks carrying the
    // same state exactly one wins, then reads it back. Errors: NotFound (unknown state),
    // AlreadyUsed (consumed before), Expired (past ExpiresAt; it is consumed all the same).
    [[nodiscard]] Result<PendingAuthorization> consume(const QString &stateHash,
                                                       const QDateTime &nowUtc);

    // Marks the row `id` consumed if nothing used it yet: the person gave up on the attempt
    // (Cancel), so its state must not be redeemable, even by a callback that arrives later.
    [[nodiscard]] Result<void> withdraw(const QUuid &id, const QDateTime &nowUtc);

    // Deletes rows whose ExpiresAt has passed; returns how many.
    [[nodiscard]] Result<int> purgeExpired(const QDateTime &nowUtc);

private:
    [[nodiscard]] Result<std::optional<PendingAuthorization>>
    findByStateHash(const QString &stateHash) const;

    Database &m_db;
};

} // namespace EasyCrm::Db
