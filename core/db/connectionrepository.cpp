#include "core/db/connectionrepository.h"

#include "core/common/ids.h"
#include "core/db/migrations.h"
#include "core/db/rowhelpers.h"

namespace EasyCrm::Db {

namespace {

const QString kTable = QStringLiteral("\"SocialCrmIntegrationConnections\"");

QString conflictMessage()
{
    return trDb("The connection was changed elsewhere. Reload it and try again.");
}

// The database refused a second brand connection of one external identity (migration 3).
bool violatesBrandIdentity(const QSqlError &error)
{
    return isUniqueViolation(error) && error.databaseText().contains(kBrandIdentityIndex);
}

Error brandIdentityError(const QString &stage)
{
    return makeError(ErrorCode::IdentityAlreadyConnected,
                     trDb("This account is already connected to another brand account."),
                     stage + QStringLiteral(": unique brand identity rule"));
}

IntegrationConnection readRow(const SqlStatement &st, const Database &db)
{
    IntegrationConnection c;
    c.id = db.readGuid(st.value(QStringLiteral("Id")));
    c.tenantId = Rows::optionalGuid(st, db, "TenantId");
    c.ownerUserId = Rows::optionalGuid(st, db, "OwnerUserId");
    c.brandAccountId = Rows::optionalGuid(st, db, "BrandAccountId");
    c.providerKey = Rows::text(st, "ProviderKey");
    c.externalUserId = Rows::text(st, "ExternalUserId");
    c.externalHandle = Rows::text(st, "ExternalHandle");
    c.externalDisplayName = Rows::text(st, "ExternalDisplayName");
    c.protectedAccessToken = Rows::text(st, "ProtectedAccessToken");
    c.protectedRefreshToken = Rows::text(st, "ProtectedRefreshToken");
    c.accessTokenExpiresAt = Rows::time(st, db, "AccessTokenExpiresAt");
    c.refreshTokenExpiresAt = Rows::time(st, db, "RefreshTokenExpiresAt");
    c.grantedScopes = Rows::splitScopes(st.value(QStringLiteral("GrantedScopes")));
    c.status = static_cast<ConnectionStatus>(st.value(QStringLiteral("Status")).toInt());
    c.statusReason = Rows::text(st, "StatusReason");
    c.lastSyncTime = Rows::time(st, db, "LastSyncTime");
    c.lastRefreshTime = Rows::time(st, db, "LastRefreshTime");
    c.lastRefreshOutcome = Rows::text(st, "LastRefreshOutcome");
    c.refreshFailureCount = st.value(QStringLiteral("RefreshFailureCount")).toInt();
    c.nextRefreshTime = Rows::time(st, db, "NextRefreshTime");
    c.refreshLeaseOwner = Rows::text(st, "RefreshLeaseOwner");
    c.refreshLeaseUntil = Rows::time(st, db, "RefreshLeaseUntil");
    static_cast<AuditedFields &>(c) = Rows::readAudited(st, db);
    return c;
}

// The columns update() rewrites; insert() writes them too.
const QStringList &mutableColumns()
{
    static const QStringList columns = {QStringLiteral("ExternalUserId"),
                                        QStringLiteral("ExternalHandle"),
                                        QStringLiteral("ExternalDisplayName"),
                                        QStringLiteral("ProtectedAccessToken"),
                                        QStringLiteral("ProtectedRefreshToken"),
                                        QStringLiteral("AccessTokenExpiresAt"),
                                        QStringLiteral("RefreshTokenExpiresAt"),
                                        QStringLiteral("GrantedScopes"),
                                        QStringLiteral("Status"),
                                        QStringLiteral("StatusReason"),
                                        QStringLiteral("LastSyncTime"),
                                        QStringLiteral("LastRefreshTime"),
                                        QStringLiteral("LastRefreshOutcome"),
                                        QStringLiteral("RefreshFailureCount"),
                                        QStringLiteral("NextRefreshTime"),
                                        QStringLiteral("RefreshLeaseOwner"),
                                        QStringLiteral("RefreshLeaseUntil")};
    return columns;
}

void bindMutable(SqlStatement &st, const Database &db, const IntegrationConnection &c)
{
    const Dialect &d = db.dialect();
    st.bind(QStringLiteral(":ExternalUserId"), d.textOrNull(c.externalUserId));
    st.bind(QStringLiteral(":ExternalHandle"), d.textOrNull(c.externalHandle));
    st.bind(QStringLiteral(":ExternalDisplayName"), d.textOrNull(c.externalDisplayName));
    st.bind(QStringLiteral(":ProtectedAccessToken"), d.textOrNull(c.protectedAccessToken));
    st.bind(QStringLiteral(":ProtectedRefreshToken"), d.textOrNull(c.protectedRefreshToken));
    st.bind(QStringLiteral(":AccessTokenExpiresAt"), db.timestamp(c.accessTokenExpiresAt));
    st.bind(QStringLiteral(":RefreshTokenExpiresAt"), db.timestamp(c.refreshTokenExpiresAt));
    st.bind(QStringLiteral(":GrantedScopes"), d.textOrNull(Rows::joinScopes(c.grantedScopes)));
    st.bind(QStringLiteral(":Status"), static_cast<int>(c.status));
    st.bind(QStringLiteral(":StatusReason"), d.textOrNull(c.statusReason));
    st.bind(QStringLiteral(":LastSyncTime"), db.timestamp(c.lastSyncTime));
    st.bind(QStringLiteral(":LastRefreshTime"), db.timestamp(c.lastRefreshTime));
    st.bind(QStringLiteral(":LastRefreshOutcome"), d.textOrNull(c.lastRefreshOutcome));
    st.bind(QStringLiteral(":RefreshFailureCount"), c.refreshFailureCount);
    st.bind(QStringLiteral(":NextRefreshTime"), db.timestamp(c.nextRefreshTime));
    st.bind(QStringLiteral(":RefreshLeaseOwner"), d.textOrNull(c.refreshLeaseOwner));
    st.bind(QStringLiteral(":RefreshLeaseUntil"), db.timestamp(c.refreshLeaseUntil));
}

QString insertSql()
{
    QStringList columns = {QStringLiteral("Id"), QStringLiteral("TenantId"),
                           QStringLiteral("OwnerUserId"), QStringLiteral("BrandAccountId"),
                           QStringLiteral("ProviderKey")};
    columns << mutableColumns();
    QStringList names;
    QStringList placeholders;
    for (const QString &c : std::as_const(columns)) {
        names << quoted(c);
        placeholders << u':' + c;
    }
    return QStringLiteral("INSERT INTO ") + kTable + QStringLiteral(" (") + names.join(u", ") +
           QStringLiteral(", ") + Rows::auditedColumnList() + QStringLiteral(") VALUES (") +
           placeholders.join(u", ") + QStringLiteral(", ") + Rows::auditedPlaceholders() + u')';
}

QString updateSql()
{
    QStringList assignments;
    for (const QString &c : mutableColumns())
        assignments << quoted(c) + QStringLiteral(" = :") + c;
    return QStringLiteral("UPDATE ") + kTable + QStringLiteral(" SET ") + assignments.join(u", ") +
           QStringLiteral(", \"ExtraProperties\" = :ExtraProperties, "
                          "\"ConcurrencyStamp\" = :NewStamp, "
                          "\"LastModificationTime\" = :LastModificationTime, "
                          "\"LastModifierId\" = :LastModifierId "
                          "WHERE \"Id\" = :Id AND \"ConcurrencyStamp\" = :ExpectedStamp");
}

} // namespace

Result<std::optional<IntegrationConnection>> ConnectionRepository::findById(const QUuid &id) const
{
    SqlStatement st(m_db, QStringLiteral("connection.find"));
    st.prepare(QStringLiteral("SELECT * FROM ") + kTable + QStringLiteral(" WHERE \"Id\" = :Id"));
    st.bind(QStringLiteral(":Id"), m_db.guid(id));
    if (Result<void> r = st.exec(); !r)
        return r.error();
    if (!st.next())
        return std::optional<IntegrationConnection>();
    return std::optional<IntegrationConnection>(readRow(st, m_db));
}

Result<std::optional<IntegrationConnection>>
ConnectionRepository::findOne(const QString &keyColumn, const std::optional<QUuid> &tenantId,
                              const QString &stage, const QUuid &key,
                              const QString &providerKey) const
{
    SqlStatement st(m_db, stage);
    st.prepare(QStringLiteral("SELECT * FROM ") + kTable + QStringLiteral(" WHERE ") +
               Rows::tenantMatches() + QStringLiteral(" AND ") + quoted(keyColumn) +
               QStringLiteral(" = :Key AND \"ProviderKey\" = :ProviderKey"));
    Rows::bindTenantKey(st, m_db, tenantId);
    st.bind(QStringLiteral(":Key"), m_db.guid(key));
    st.bind(QStringLiteral(":ProviderKey"), providerKey);
    if (Result<void> r = st.exec(); !r)
        return r.error();
    if (!st.next())
        return std::optional<IntegrationConnection>();
    return std::optional<IntegrationConnection>(readRow(st, m_db));
}

Result<std::optional<IntegrationConnection>>
ConnectionRepository::findForUser(const std::optional<QUuid> &tenantId, const QUuid &userId,
                                  const QString &providerKey) const
{
    return findOne(QStringLiteral("OwnerUserId"), tenantId,
                   QStringLiteral("connection.find-for-user"), userId, providerKey);
}

Result<std::optional<IntegrationConnection>>
ConnectionRepository::findForBrand(const std::optional<QUuid> &tenantId,
                                   const QUuid &brandAccountId, const QString &providerKey) const
{
    return findOne(QStringLiteral("BrandAccountId"), tenantId,
                   QStringLiteral("connection.find-for-brand"), brandAccountId, providerKey);
}

Result<QList<IntegrationConnection>> ConnectionRepository::list(SqlStatement &st) const
{
    if (Result<void> r = st.exec(); !r)
        return r.error();
    QList<IntegrationConnection> connections;
    while (st.next())
        connections << readRow(st, m_db);
    return connections;
}

Result<QList<IntegrationConnection>>
ConnectionRepository::listForUser(const std::optional<QUuid> &tenantId, const QUuid &userId) const
{
    SqlStatement st(m_db, QStringLiteral("connection.list-for-user"));
    st.prepare(QStringLiteral("SELECT * FROM ") + kTable + QStringLiteral(" WHERE ") +
               Rows::tenantMatches() +
               QStringLiteral(" AND \"OwnerUserId\" = :UserId ORDER BY \"ProviderKey\""));
    Rows::bindTenantKey(st, m_db, tenantId);
    st.bind(QStringLiteral(":UserId"), m_db.guid(userId));
    return list(st);
}

Result<QList<IntegrationConnection>>
ConnectionRepository::listBrandConnections(const std::optional<QUuid> &tenantId) const
{
    SqlStatement st(m_db, QStringLiteral("connection.list-brand"));
    st.prepare(QStringLiteral("SELECT * FROM ") + kTable + QStringLiteral(" WHERE ") +
               Rows::tenantMatches() +
               QStringLiteral(" AND \"BrandAccountId\" IS NOT NULL "
                              "ORDER BY \"BrandAccountId\", \"ProviderKey\""));
    Rows::bindTenantKey(st, m_db, tenantId);
    return list(st);
}

Result<void> ConnectionRepository::insert(IntegrationConnection &connection)
{
    const QString stage = QStringLiteral("connection.insert");
    if (Result<void> r = Rows::requireTime(connection.creationTime, stage); !r)
        return r;
    if (connection.id.isNull())
        connection.id = Ids::newGuid();
    AuditedFields audit = connection;
    audit.concurrencyStamp = Ids::newConcurrencyStamp();
    // The statement outlives the savepoint: QPSQL can only deallocate it once a failed
    // insert has been rolled back.
    SqlStatement st(m_db, stage);
    Transaction savepoint(m_db);
    if (Result<void> r = savepoint.begin(); !r)
        return r;
    st.prepare(insertSql());
    st.bind(QStringLiteral(":Id"), m_db.guid(connection.id));
    st.bind(QStringLiteral(":TenantId"), m_db.guidOrNull(connection.tenantId));
    st.bind(QStringLiteral(":OwnerUserId"), m_db.guidOrNull(connection.ownerUserId));
    st.bind(QStringLiteral(":BrandAccountId"), m_db.guidOrNull(connection.brandAccountId));
    st.bind(QStringLiteral(":ProviderKey"), connection.providerKey);
    bindMutable(st, m_db, connection);
    Rows::bindAudited(st, m_db, audit);
    if (Result<void> r = st.exec(); !r) {
        if (violatesBrandIdentity(st.lastError()))
            return brandIdentityError(stage);
        if (isUniqueViolation(st.lastError()))
            return makeError(ErrorCode::AlreadyConnected,
                             trDb("This account is already connected for this provider."),
                             stage + QStringLiteral(": unique connection rule"));
        return r;
    }
    if (Result<void> r = savepoint.commit(); !r)
        return r;
    connection.concurrencyStamp = audit.concurrencyStamp;
    return {};
}

Result<QString> ConnectionRepository::update(const IntegrationConnection &connection,
                                             const QString &expectedStamp)
{
    const QString stamp = Ids::newConcurrencyStamp();
    SqlStatement st(m_db, QStringLiteral("connection.update"));
    st.prepare(updateSql());
    bindMutable(st, m_db, connection);
    st.bind(QStringLiteral(":ExtraProperties"), Rows::jsonText(connection.extraProperties));
    st.bind(QStringLiteral(":NewStamp"), stamp);
    st.bind(QStringLiteral(":LastModificationTime"),
            m_db.timestamp(connection.lastModificationTime));
    st.bind(QStringLiteral(":LastModifierId"), m_db.guidOrNull(connection.lastModifierId));
    st.bind(QStringLiteral(":Id"), m_db.guid(connection.id));
    st.bind(QStringLiteral(":ExpectedStamp"), expectedStamp);
    if (Result<void> r = st.execOneRow(ErrorCode::ConcurrencyConflict, conflictMessage()); !r) {
        if (violatesBrandIdentity(st.lastError()))
            return brandIdentityError(QStringLiteral("connection.update"));
        return r.error();
    }
    return stamp;
}

Result<std::optional<IntegrationConnection>>
ConnectionRepository::findBrandIdentity(const std::optional<QUuid> &tenantId,
                                        const QString &providerKey,
                                        const QString &externalUserId) const
{
    SqlStatement st(m_db, QStringLiteral("connection.find-brand-identity"));
    st.prepare(QStringLiteral("SELECT * FROM ") + kTable + QStringLiteral(" WHERE ") +
               Rows::tenantMatches() +
               QStringLiteral(" AND \"ProviderKey\" = :ProviderKey AND \"ExternalUserId\" = "
                              ":ExternalUserId AND \"BrandAccountId\" IS NOT NULL"));
    Rows::bindTenantKey(st, m_db, tenantId);
    st.bind(QStringLiteral(":ProviderKey"), providerKey);
    st.bind(QStringLiteral(":ExternalUserId"), externalUserId);
    if (Result<void> r = st.exec(); !r)
        return r.error();
    if (!st.next())
        return std::optional<IntegrationConnection>();
    return std::optional<IntegrationConnection>(readRow(st, m_db));
}

Result<QString> ConnectionRepository::clearTokens(const QUuid &id, const QString &expectedStamp,
                                                  const QString &statusReason,
                                                  const QDateTime &nowUtc,
                                                  const std::optional<QUuid> &actorId)
{
    const QString stamp = Ids::newConcurrencyStamp();
    SqlStatement st(m_db, QStringLiteral("connection.clear-tokens"));
    st.prepare(QStringLiteral("UPDATE ") + kTable +
               QStringLiteral(" SET \"ProtectedAccessToken\" = NULL, "
                              "\"ProtectedRefreshToken\" = NULL, "
                              "\"AccessTokenExpiresAt\" = NULL, "
                              "\"RefreshTokenExpiresAt\" = NULL, \"NextRefreshTime\" = NULL, "
                              "\"RefreshLeaseOwner\" = NULL, \"RefreshLeaseUntil\" = NULL, "
                              "\"Status\" = :Status, \"StatusReason\" = :Reason, "
                              "\"ConcurrencyStamp\" = :NewStamp, "
                              "\"LastModificationTime\" = :Now, \"LastModifierId\" = :Actor "
                              "WHERE \"Id\" = :Id AND \"ConcurrencyStamp\" = :ExpectedStamp"));
    st.bind(QStringLiteral(":Status"), static_cast<int>(ConnectionStatus::NotConnected));
    st.bind(QStringLiteral(":Reason"), m_db.dialect().textOrNull(statusReason));
    st.bind(QStringLiteral(":NewStamp"), stamp);
    st.bind(QStringLiteral(":Now"), m_db.timestamp(nowUtc));
    st.bind(QStringLiteral(":Actor"), m_db.guidOrNull(actorId));
    st.bind(QStringLiteral(":Id"), m_db.guid(id));
    st.bind(QStringLiteral(":ExpectedStamp"), expectedStamp);
    if (Result<void> r = st.execOneRow(ErrorCode::ConcurrencyConflict, conflictMessage()); !r)
        return r.error();
    return stamp;
}

Result<void> ConnectionRepository::remove(const QUuid &id)
{
    SqlStatement st(m_db, QStringLiteral("connection.remove"));
    st.prepare(QStringLiteral("DELETE FROM ") + kTable + QStringLiteral(" WHERE \"Id\" = :Id"));
    st.bind(QStringLiteral(":Id"), m_db.guid(id));
    return st.execOneRow(ErrorCode::NotFound, trDb("The connection no longer exists."));
}

Result<QList<IntegrationConnection>>
ConnectionRepository::listDueForRefresh(const QDateTime &nowUtc, int limit) const
{
    SqlStatement st(m_db, QStringLiteral("connection.list-due"));
    st.prepare(QStringLiteral("SELECT * FROM ") + kTable +
               QStringLiteral(" WHERE \"Status\" = :Status AND \"NextRefreshTime\" <= :Now "
                              "AND (\"RefreshLeaseUntil\" IS NULL "
                              "OR \"RefreshLeaseUntil\" < :LeaseNow) "
                              "ORDER BY \"NextRefreshTime\" LIMIT :Limit"));
    st.bind(QStringLiteral(":Status"), static_cast<int>(ConnectionStatus::Connected));
    st.bind(QStringLiteral(":Now"), m_db.timestamp(nowUtc));
    st.bind(QStringLiteral(":LeaseNow"), m_db.timestamp(nowUtc));
    st.bind(QStringLiteral(":Limit"), limit);
    return list(st);
}

Result<QString> ConnectionRepository::acquireRefreshLease(const QUuid &id, const QString &owner,
                                                          const QDateTime &nowUtc,
                                                          const QDateTime &leaseUntilUtc)
{
    const QString stamp = Ids::newConcurrencyStamp();
    SqlStatement st(m_db, QStringLiteral("connection.acquire-lease"));
    st.prepare(QStringLiteral("UPDATE ") + kTable +
               QStringLiteral(" SET \"RefreshLeaseOwner\" = :Owner, "
                              "\"RefreshLeaseUntil\" = :Until, \"ConcurrencyStamp\" = :NewStamp "
                              "WHERE \"Id\" = :Id AND (\"RefreshLeaseUntil\" IS NULL "
                              "OR \"RefreshLeaseUntil\" < :Now "
                              "OR \"RefreshLeaseOwner\" = :SameOwner)"));
    st.bind(QStringLiteral(":Owner"), owner);
    st.bind(QStringLiteral(":Until"), m_db.timestamp(leaseUntilUtc));
    st.bind(QStringLiteral(":NewStamp"), stamp);
    st.bind(QStringLiteral(":Id"), m_db.guid(id));
    st.bind(QStringLiteral(":Now"), m_db.timestamp(nowUtc));
    st.bind(QStringLiteral(":SameOwner"), owner);
    if (Result<void> r =
            st.execOneRow(ErrorCode::Busy, trDb("Another session is refreshing this connection."));
        !r)
        return r.error();
    return stamp;
}

Result<QString> ConnectionRepository::releaseRefreshLease(const QUuid &id, const QString &owner)
{
    const QString stamp = Ids::newConcurrencyStamp();
    SqlStatement st(m_db, QStringLiteral("connection.release-lease"));
    st.prepare(QStringLiteral("UPDATE ") + kTable +
               QStringLiteral(" SET \"RefreshLeaseOwner\" = NULL, \"RefreshLeaseUntil\" = NULL, "
                              "\"ConcurrencyStamp\" = :NewStamp "
                              "WHERE \"Id\" = :Id AND \"RefreshLeaseOwner\" = :Owner"));
    st.bind(QStringLiteral(":NewStamp"), stamp);
    st.bind(QStringLiteral(":Id"), m_db.guid(id));
    st.bind(QStringLiteral(":Owner"), owner);
    if (Result<void> r =
            st.execOneRow(ErrorCode::NotFound, trDb("The refresh lease is no longer held."));
        !r)
        return r.error();
    return stamp;
}

} // namespace EasyCrm::Db
