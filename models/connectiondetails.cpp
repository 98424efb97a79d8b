#include "models/connectiondetails.h"

#include "core/db/connectionhistoryrepository.h"
#include "core/db/connectionrepository.h"
#include "core/db/providerconfigrepository.h"

#include <QCoreApplication>

namespace EasyCrm::Models {

namespace {

// Copies what may be shown and nothing else: the protected tokens stay behind.
ConnectionDetails describe(const Db::IntegrationConnection &row)
{
    ConnectionDetails details;
    details.connectionId = row.id;
    details.providerKey = row.providerKey;
    details.externalHandle = row.externalHandle;
    details.externalDisplayName = row.externalDisplayName;
    details.status = row.status;
    details.statusReason = row.statusReason;
    details.connectedSince = row.creationTime;
    details.accessTokenExpiresAt = row.accessTokenExpiresAt;
    details.hasRefreshToken = !row.protectedRefreshToken.isEmpty();
    details.refreshTokenExpiresAt = row.refreshTokenExpiresAt;
    details.lastRefreshTime = row.lastRefreshTime;
    details.lastRefreshOutcome = row.lastRefreshOutcome;
    details.refreshFailureCount = row.refreshFailureCount;
    details.nextRefreshTime = row.nextRefreshTime;
    details.grantedScopes = row.grantedScopes;
    return details;
}

} // namespace

Result<ConnectionDetails> loadConnectionDetails(Db::Database &database,
                                                const ProviderCatalogue &catalogue,
                                                const QUuid &connectionId)
{
    auto found = Db::ConnectionRepository(database).findById(connectionId);
    if (!found)
        return found.error();
    if (!found.value())
        return makeError(
            ErrorCode::NotFound,
            QCoreApplication::translate("ConnectionDetails", "This connection no longer exists."));
    const Db::IntegrationConnection &row = *found.value();
    ConnectionDetails details = describe(row);
    const ProviderDescriptor *provider = catalogue.find(row.providerKey);
    details.providerName = provider ? provider->displayName : row.providerKey;

    auto config =
        Db::ProviderConfigRepository(database).findEffective(row.tenantId, row.providerKey);
    if (!config)
        return config.error();
    if (config.value())
        details.enabledScopes = config.value()->enabledScopes;
    auto history = Db::ConnectionHistoryRepository(database).listForConnection(row.id);
    if (!history)
        return history.error();
    details.history = history.value();
    return details;
}

} // namespace EasyCrm::Models
