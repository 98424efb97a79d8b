#include "core/db/brandaccountrepository.h"

#include "core/common/ids.h"
#include "core/db/rowhelpers.h"

namespace EasyCrm::Db {

namespace {

BrandAccount readRow(const SqlStatement &st, const Database &db)
{
    BrandAccount a;
    a.id = db.readGuid(st.value(QStringLiteral("Id")));
    a.tenantId = Rows::optionalGuid(st, db, "TenantId");
    a.name = Rows::text(st, "Name");
    static_cast<AuditedFields &>(a) = Rows::readAudited(st, db);
    return a;
}

} // namespace

Result<void> BrandAccountRepository::insert(BrandAccount &account)
{
    const QString stage = QStringLiteral("brand-account.insert");
    if (Result<void> r = Rows::requireTime(account.creationTime, stage); !r)
        return r;
    if (account.id.isNull())
        account.id = Ids::newGuid();
    AuditedFields audit = account;
    audit.concurrencyStamp = Ids::newConcurrencyStamp();
    SqlStatement st(m_db, stage);
    st.prepare(QStringLiteral("INSERT INTO \"SocialCrmBrandAccounts\" (\"Id\", \"TenantId\", "
                              "\"Name\", ") +
               Rows::auditedColumnList() + QStringLiteral(") VALUES (:Id, :TenantId, :Name, ") +
               Rows::auditedPlaceholders() + u')');
    st.bind(QStringLiteral(":Id"), m_db.guid(account.id));
    st.bind(QStringLiteral(":TenantId"), m_db.guidOrNull(account.tenantId));
    st.bind(QStringLiteral(":Name"), account.name);
    Rows::bindAudited(st, m_db, audit);
    if (Result<void> r = st.exec(); !r)
        return r;
    account.concurrencyStamp = audit.concurrencyStamp;
    return {};
}

Result<std::optional<BrandAccount>> BrandAccountRepository::findById(const QUuid &id) const
{
    SqlStatement st(m_db, QStringLiteral("brand-account.find"));
    st.prepare(QStringLiteral("SELECT * FROM \"SocialCrmBrandAccounts\" WHERE \"Id\" = :Id"));
    st.bind(QStringLiteral(":Id"), m_db.guid(id));
    if (Result<void> r = st.exec(); !r)
        return r.error();
    if (!st.next())
        return std::optional<BrandAccount>();
    return std::optional<BrandAccount>(readRow(st, m_db));
}

Result<QList<BrandAccount>>
BrandAccountRepository::listForTenant(const std::optional<QUuid> &tenantId) const
{
    SqlStatement st(m_db, QStringLiteral("brand-account.list"));
    st.prepare(QStringLiteral("SELECT * FROM \"SocialCrmBrandAccounts\" WHERE ") +
               Rows::tenantMatches() + QStringLiteral(" ORDER BY \"Name\", \"Id\""));
    Rows::bindTenantKey(st, m_db, tenantId);
    if (Result<void> r = st.exec(); !r)
        return r.error();
    QList<BrandAccount> accounts;
    while (st.next())
        accounts << readRow(st, m_db);
    return accounts;
}

Result<QString> BrandAccountRepository::rename(const QUuid &id, const QString &name,
                                               const QString &expectedStamp,
                                               const QDateTime &nowUtc,
                                               const std::optional<QUuid> &actorId)
{
    const QString stamp = Ids::newConcurrencyStamp();
    SqlStatement st(m_db, QStringLiteral("brand-account.rename"));
    st.prepare(QStringLiteral("UPDATE \"SocialCrmBrandAccounts\" SET \"Name\" = :Name, "
                              "\"ConcurrencyStamp\" = :NewStamp, "
                              "\"LastModificationTime\" = :Now, \"LastModifierId\" = :Actor "
                              "WHERE \"Id\" = :Id AND \"ConcurrencyStamp\" = :ExpectedStamp"));
    st.bind(QStringLiteral(":Name"), name);
    st.bind(QStringLiteral(":NewStamp"), stamp);
    st.bind(QStringLiteral(":Now"), m_db.timestamp(nowUtc));
    st.bind(QStringLiteral(":Actor"), m_db.guidOrNull(actorId));
    st.bind(QStringLiteral(":Id"), m_db.guid(id));
    st.bind(QStringLiteral(":ExpectedStamp"), expectedStamp);
    if (Result<void> r = st.execOneRow(ErrorCode::ConcurrencyConflict,
                                       trDb("The brand account was changed elsewhere. Reload it."));
        !r)
        return r.error();
    return stamp;
}

Result<void> BrandAccountRepository::remove(const QUuid &id)
{
    SqlStatement st(m_db, QStringLiteral("brand-account.remove"));
    st.prepare(QStringLiteral("DELETE FROM \"SocialCrmBrandAccounts\" WHERE \"Id\" = :Id"));
    st.bind(QStringLiteral(":Id"), m_db.guid(id));
    return st.execOneRow(ErrorCode::NotFound, trDb("The brand account no longer exists."));
}

} // namespace EasyCrm::Db
