#pragma once

#include "core/common/result.h"
#include "core/db/entities.h"

#include <QList>

#include <optional>

namespace EasyCrm::Db {

class Database;

// SocialCrmProviderConfigurations: one row per (tenant, provider).
class ProviderConfigRepository final
{
public:
    explicit ProviderConfigRepository(Database &db)
        : m_db(db)
    {}

    // An empty optional when the admin has not configured the provider for this tenant.
    [[nodiscard]] Result<std::optional<ProviderConfig>> find(const std::optional<QUuid> &tenantId,
                                                             const QString &providerKey) const;
    // What applies to the tenant: its own row (an override) when it has one, else the host's
    // default (the row with TenantId NULL), else none.
    [[nodiscard]] Result<std::optional<ProviderConfig>>
    findEffective(const std::optional<QUuid> &tenantId, const QString &providerKey) const;
    [[nodiscard]] Result<QList<ProviderConfig>>
    listForTenant(const std::optional<QUuid> &tenantId) const;

    // Inserts the tenant's row (config.creationTime must be set), or updates it when
    // config.concurrencyStamp still matches the stored one — ConcurrencyConflict otherwise,
    // also when a row appeared since the caller read none. On success `config` holds the id
    // and the new stamp.
    [[nodiscard]] Result<void> upsert(ProviderConfig &config);
    // Deletes the row `id` while its stamp is still `expectedStamp`; ConcurrencyConflict when
    // it changed or is gone.
    [[nodiscard]] Result<void> remove(const QUuid &id, const QString &expectedStamp);

private:
    [[nodiscard]] Result<void> insert(ProviderConfig &config);
    [[nodiscard]] Result<void> update(ProviderConfig &config);

    Database &m_db;
};

} // namespace EasyCrm::Db
