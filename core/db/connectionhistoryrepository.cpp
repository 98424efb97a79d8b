#include "core/db/connectionhistoryrepository.h"

#include "core/common/ids.h"
#include "core/db/rowhelpers.h"

namespace EasyCrm::Db {

namespace {

ConnectionHistoryEntry readRow(const SqlStatement &st, const Database &db)
{
    ConnectionHistoryEntry e;
    e.id = db.readGuid(st.value(QStringLiteral("Id")));
    e.tenantId = Rows::optionalGuid(st, db, "TenantId");
    e.connectionId = db.readGuid(st.value(QStringLiteral("ConnectionId")));
    e.fromStatus = static_cast<ConnectionStatus>(st.value(QStringLiteral("FromStatus")).toInt());
    e.toStatus = static_cast<ConnectionStatus>(st.value(QStringLiteral("ToStatus")).toInt());
    e.reason = Rows::text(st, "Reason");
    e.providerError = Rows::text(st, "ProviderError");
    e.creationTime = Rows::time(st, db, "CreationTime");
    e.creatorId = Rows::optionalGuid(st, db, "CreatorId");
    return e;
}

} // namespace

Result<void> ConnectionHistoryRepository::append(ConnectionHistoryEntry &entry)
{
    const QString stage = QStringLiteral("history.append");
    if (Result<void> r = Rows::requireTime(entry.creationTime, stage); !r)
        return r;
    if (entry.id.isNull())
        entry.id = Ids::newGuid();
    SqlStatement st(m_db, stage);
    st.prepare(QStringLiteral("INSERT INTO \"SocialCrmConnectionHistory\" (\"Id\", \"TenantId\", "
                              "\"ConnectionId\", \"FromStatus\", \"ToStatus\", \"Reason\", "
                              "\"ProviderError\", \"CreationTime\", \"CreatorId\") VALUES (:Id, "
                              ":TenantId, :ConnectionId, :FromStatus, :ToStatus, :Reason, "
                              ":ProviderError, :CreationTime, :CreatorId)"));
    st.bind(QStringLiteral(":Id"), m_db.guid(entry.id));
    st.bind(QStringLiteral(":TenantId"), m_db.guidOrNull(entry.tenantId));
    st.bind(QStringLiteral(":ConnectionId"), m_db.guid(entry.connectionId));
    st.bind(QStringLiteral(":FromStatus"), static_cast<int>(entry.fromStatus));
    st.bind(QStringLiteral(":ToStatus"), static_cast<int>(entry.toStatus));
    st.bind(QStringLiteral(":Reason"), m_db.dialect().textOrNull(entry.reason));
    st.bind(QStringLiteral(":ProviderError"), m_db.dialect().textOrNull(entry.providerError));
    st.bind(QStringLiteral(":CreationTime"), m_db.timestamp(entry.creationTime));
    st.bind(QStringLiteral(":CreatorId"), m_db.guidOrNull(entry.creatorId));
    return st.exec();
}

Result<QList<ConnectionHistoryEntry>>
ConnectionHistoryRepository::listForConnection(const QUuid &connectionId) const
{
    SqlStatement st(m_db, QStringLiteral("history.list"));
    st.prepare(QStringLiteral("SELECT * FROM \"SocialCrmConnectionHistory\" "
                              "WHERE \"ConnectionId\" = :ConnectionId "
                              "ORDER BY \"CreationTime\", \"Id\""));
    st.bind(QStringLiteral(":ConnectionId"), m_db.guid(connectionId));
    if (Result<void> r = st.exec(); !r)
        return r.error();
    QList<ConnectionHistoryEntry> entries;
    while (st.next())
        entries << readRow(st, m_db);
    return entries;
}

} // namespace EasyCrm::Db
