#include "core/db/pendingauthorizationrepository.h"

#include "core/common/ids.h"
#include "core/db/dblogging.h"
#include "core/db/rowhelpers.h"

#include <QCryptographicHash>

namespace EasyCrm::Db {

namespace {

PendingAuthorization readRow(const SqlStatement &st, const Database &db)
{
    PendingAuthorization p;
    p.id = db.readGuid(st.value(QStringLiteral("Id")));
    p.tenantId = Rows::optionalGuid(st, db, "TenantId");
    p.userId = db.readGuid(st.value(QStringLiteral("UserId")));
    p.providerKey = Rows::text(st, "ProviderKey");
    p.brandAccountId = Rows::optionalGuid(st, db, "BrandAccountId");
    p.connectionId = Rows::optionalGuid(st, db, "ConnectionId");
    p.stateHash = Rows::text(st, "StateHash");
    p.protectedCodeVerifier = Rows::text(st, "ProtectedCodeVerifier");
    p.redirectUri = Rows::text(st, "RedirectUri");
    p.requestedScopes = Rows::splitScopes(st.value(QStringLiteral("RequestedScopes")));
    p.expiresAt = Rows::time(st, db, "ExpiresAt");
    p.consumedTime = Rows::time(st, db, "ConsumedTime");
    p.creationTime = Rows::time(st, db, "CreationTime");
    p.extraProperties = Rows::readJson(st.value(QStringLiteral("ExtraProperties")));
    p.concurrencyStamp = Rows::text(st, "ConcurrencyStamp");
    return p;
}

Error stateError(ErrorCode code, const QString &detail)
{
    // One message for every state failure: the person can only start over.
    return makeError(code,
                     trDb("The sign-in attempt is unknown, expired or already used. "
                          "Start the connection again."),
                     detail);
}

} // namespace

QString PendingAuthorizationRepository::hashState(const QByteArray &state)
{
    return QString::fromLatin1(QCryptographicHash::hash(state, QCryptographicHash::Sha256).toHex());
}

Result<void> PendingAuthorizationRepository::insert(PendingAuthorization &pending)
{
    const QString stage = QStringLiteral("pending.insert");
    if (Result<void> r = Rows::requireTime(pending.creationTime, stage); !r)
        return r;
    if (Result<void> r = Rows::requireTime(pending.expiresAt, stage); !r)
        return r;
    if (pending.id.isNull())
        pending.id = Ids::newGuid();
    const QString stamp = Ids::newConcurrencyStamp();
    SqlStatement st(m_db, stage);
    st.prepare(QStringLiteral(
        "INSERT INTO \"SocialCrmPendingAuthorizations\" (\"Id\", \"TenantId\", \"UserId\", "
        "\"ProviderKey\", \"BrandAccountId\", \"ConnectionId\", \"StateHash\", "
        "\"ProtectedCodeVerifier\", \"RedirectUri\", \"RequestedScopes\", \"ExpiresAt\", "
        "\"ConsumedTime\", \"CreationTime\", \"ExtraProperties\", \"ConcurrencyStamp\") "
        "VALUES (:Id, :TenantId, :UserId, :ProviderKey, :BrandAccountId, :ConnectionId, "
        ":StateHash, :Verifier, :RedirectUri, :Scopes, :ExpiresAt, NULL, :CreationTime, "
        ":ExtraProperties, :Stamp)"));
    st.bind(QStringLiteral(":Id"), m_db.guid(pending.id));
    st.bind(QStringLiteral(":TenantId"), m_db.guidOrNull(pending.tenantId));
    st.bind(QStringLiteral(":UserId"), m_db.guid(pending.userId));
    st.bind(QStringLiteral(":ProviderKey"), pending.providerKey);
    st.bind(QStringLiteral(":BrandAccountId"), m_db.guidOrNull(pending.brandAccountId));
    st.bind(QStringLiteral(":ConnectionId"), m_db.guidOrNull(pending.connectionId));
    st.bind(QStringLiteral(":StateHash"), pending.stateHash);
    st.bind(QStringLiteral(":Verifier"), pending.protectedCodeVerifier);
    st.bind(QStringLiteral(":RedirectUri"), pending.redirectUri);
    st.bind(QStringLiteral(":Scopes"),
            m_db.dialect().textOrNull(Rows::joinScopes(pending.requestedScopes)));
    st.bind(QStringLiteral(":ExpiresAt"), m_db.timestamp(pending.expiresAt));
    st.bind(QStringLiteral(":CreationTime"), m_db.timestamp(pending.creationTime));
    st.bind(QStringLiteral(":ExtraProperties"), Rows::jsonText(pending.extraProperties));
    st.bind(QStringLiteral(":Stamp"), stamp);
    if (Result<void> r = st.exec(); !r)
        return r;
    pending.concurrencyStamp = stamp;
    pending.consumedTime = {};
    return {};
}

Result<std::optional<PendingAuthorization>>
PendingAuthorizationRepository::findByStateHash(const QString &stateHash) const
{
    SqlStatement st(m_db, QStringLiteral("pending.read"));
    st.prepare(QStringLiteral("SELECT * FROM \"SocialCrmPendingAuthorizations\" "
                              "WHERE \"StateHash\" = :StateHash"));
    st.bind(QStringLiteral(":StateHash"), stateHash);
    if (Result<void> r = st.exec(); !r)
        return r.error();
    if (!st.next())
        return std::optional<PendingAuthorization>();
    return std::optional<PendingAuthorization>(readRow(st, m_db));
}

Result<PendingAuthorization> PendingAuthorizationRepository::consume(const QString &stateHash,
                                                                     const QDateTime &nowUtc)
{
    SqlStatement mark(m_db, QStringLiteral("pending.consume"));
    mark.prepare(QStringLiteral("UPDATE \"SocialCrmPendingAuthorizations\" "
                                "SET \"ConsumedTime\" = :Now, \"ConcurrencyStamp\" = :Stamp "
                                "WHERE \"StateHash\" = :StateHash AND \"ConsumedTime\" IS NULL"));
    mark.bind(QStringLiteral(":Now"), m_db.timestamp(nowUtc));
    mark.bind(QStringLiteral(":Stamp"), Ids::newConcurrencyStamp());
    mark.bind(QStringLiteral(":StateHash"), stateHash);
    if (Result<void> r = mark.exec(); !r)
        return r.error();
    const bool won = mark.rowsAffected() == 1;

    const Result<std::optional<PendingAuthorization>> row = findByStateHash(stateHash);
    if (!row)
        return row.error();
    if (!row.value()) {
        qCInfo(lcDb) << "pending authorization: unknown state";
        return stateError(ErrorCode::NotFound, QStringLiteral("pending.consume: unknown"));
    }
    if (!won) {
        qCInfo(lcDb) << "pending authorization: state reused";
        return stateError(ErrorCode::AlreadyUsed, QStringLiteral("pending.consume: reused"));
    }
    if (row.value()->expiresAt <= nowUtc) {
        qCInfo(lcDb) << "pending authorization: expired";
        return stateError(ErrorCode::Expired, QStringLiteral("pending.consume: expired"));
    }
    return *row.value();
}

Result<void> PendingAuthorizationRepository::withdraw(const QUuid &id, const QDateTime &nowUtc)
{
    SqlStatement mark(m_db, QStringLiteral("pending.withdraw"));
    mark.prepare(QStringLiteral("UPDATE \"SocialCrmPendingAuthorizations\" "
                                "SET \"ConsumedTime\" = :Now, \"ConcurrencyStamp\" = :Stamp "
                                "WHERE \"Id\" = :Id AND \"ConsumedTime\" IS NULL"));
    mark.bind(QStringLiteral(":Now"), m_db.timestamp(nowUtc));
    mark.bind(QStringLiteral(":Stamp"), Ids::newConcurrencyStamp());
    mark.bind(QStringLiteral(":Id"), m_db.guid(id));
    return mark.exec();
}

Result<int> PendingAuthorizationRepository::purgeExpired(const QDateTime &nowUtc)
{
    SqlStatement st(m_db, QStringLiteral("pending.purge"));
    st.prepare(QStringLiteral("DELETE FROM \"SocialCrmPendingAuthorizations\" "
                              "WHERE \"ExpiresAt\" < :Now"));
    st.bind(QStringLiteral(":Now"), m_db.timestamp(nowUtc));
    if (Result<void> r = st.exec(); !r)
        return r.error();
    return st.rowsAffected();
}

} // namespace EasyCrm::Db
