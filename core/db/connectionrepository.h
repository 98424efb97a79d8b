#pragma once

#include "core/common/result.h"
#include "core/db/entities.h"

#include <QList>

#include <optional>

namespace EasyCrm::Db {

class Database;
class SqlStatement;

// SocialCrmIntegrationConnections. The database enforces one connection per (tenant, owner
// user, provider) and per (tenant, brand account, provider); host rows (TenantId NULL)
// included. Tokens arrive already protected and are stored as given.
class ConnectionRepository final
{
public:
    explicit ConnectionRepository(Database &db)
        : m_db(db)
    {}

    [[nodiscard]] Result<std::optional<IntegrationConnection>> findById(const QUuid &id) const;
    [[nodiscard]] Result<std::optional<IntegrationConnection>>
    findForUser(const std::optional<QUuid> &tenantId, const QUuid &userId,
                const QString &providerKey) const;
    [[nodiscard]] Result<std::optional<IntegrationConnection>>
    findForBrand(const std::optional<QUuid> &tenantId, const QUuid &brandAccountId,
                 const QString &providerKey) const;
    [[nodiscard]] Result<QList<IntegrationConnection>>
    listForUser(const std::optional<QUuid> &tenantId, const QUuid &userId) const;
    // The tenant's brand connection of this external identity at this provider, if any.
    [[nodiscard]] Result<std::optional<IntegrationConnection>>
    findBrandIdentity(const std::optional<QUuid> &tenantId, const QString &providerKey,
                      const QString &externalUserId) const;
    [[nodiscard]] Result<QList<IntegrationConnection>>
    listBrandConnections(const std::optional<QUuid> &tenantId) const;

    // connection.creationTime must be set; the id is assigned when empty, the stamp always.
    // A second connection for the same owner or brand account and provider gives
    // AlreadyConnected; an external identity another brand account of the tenant holds,
    // IdentityAlreadyConnected (update() too). Runs in a savepoint, so an enclosing
    // transaction stays usable.
    [[nodiscard]] Result<void> insert(IntegrationConnection &connection);

    // Writes every mutable column (not tenant, owner, brand, provider or creation) when the
    // stored stamp equals `expectedStamp`; returns the new stamp, or ConcurrencyConflict.
    // LastModificationTime/LastModifierId come from the connection.
    [[nodiscard]] Result<QString> update(const IntegrationConnection &connection,
                                         const QString &expectedStamp);

    // Disconnect: drops both tokens, their expiries, refresh schedule and lease, and sets
    // NotConnected with `statusReason`. Returns the new stamp.
    [[nodiscard]] Result<QString> clearTokens(const QUuid &id, const QString &expectedStamp,
                                              const QString &statusReason, const QDateTime &nowUtc,
                                              const std::optional<QUuid> &actorId);
    [[nodiscard]] Result<void> remove(const QUuid &id);

    // --- Refresh bookkeeping ----------------------------------------------------------------
    // Connected rows whose NextRefreshTime has come and whose lease is free or lapsed.
    [[nodiscard]] Result<QList<IntegrationConnection>> listDueForRefresh(const QDateTime &nowUtc,
                                                                         int limit) const;
    // Takes the refresh lease atomically (one UPDATE), so two schedulers — two machines on
    // one CRM database — never refresh one rotating token twice. Returns the new stamp;
    // Busy while another owner's lease runs.
    [[nodiscard]] Result<QString> acquireRefreshLease(const QUuid &id, const QString &owner,
                                                      const QDateTime &nowUtc,
                                                      const QDateTime &leaseUntilUtc);
    [[nodiscard]] Result<QString> releaseRefreshLease(const QUuid &id, const QString &owner);

private:
    [[nodiscard]] Result<std::optional<IntegrationConnection>>
    findOne(const QString &keyColumn, const std::optional<QUuid> &tenantId, const QString &stage,
            const QUuid &key, const QString &providerKey) const;
    [[nodiscard]] Result<QList<IntegrationConnection>> list(SqlStatement &st) const;

    Database &m_db;
};

} // namespace EasyCrm::Db
