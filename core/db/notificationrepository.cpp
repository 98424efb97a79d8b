#include "core/db/notificationrepository.h"

#include "core/common/ids.h"
#include "core/db/rowhelpers.h"

namespace EasyCrm::Db {

namespace {

Notification readRow(const SqlStatement &st, const Database &db)
{
    Notification n;
    n.id = db.readGuid(st.value(QStringLiteral("Id")));
    n.tenantId = Rows::optionalGuid(st, db, "TenantId");
    n.userId = db.readGuid(st.value(QStringLiteral("UserId")));
    n.connectionId = Rows::optionalGuid(st, db, "ConnectionId");
    n.kind = Rows::text(st, "Kind");
    n.message = Rows::text(st, "Message");
    n.isRead = st.value(QStringLiteral("IsRead")).toBool();
    n.creationTime = Rows::time(st, db, "CreationTime");
    return n;
}

} // namespace

Result<void> NotificationRepository::insert(Notification &notification)
{
    const QString stage = QStringLiteral("notification.insert");
    if (Result<void> r = Rows::requireTime(notification.creationTime, stage); !r)
        return r;
    if (notification.id.isNull())
        notification.id = Ids::newGuid();
    SqlStatement st(m_db, stage);
    st.prepare(QStringLiteral("INSERT INTO \"SocialCrmNotifications\" (\"Id\", \"TenantId\", "
                              "\"UserId\", \"ConnectionId\", \"Kind\", \"Message\", \"IsRead\", "
                              "\"CreationTime\") VALUES (:Id, :TenantId, :UserId, :ConnectionId, "
                              ":Kind, :Message, :IsRead, :CreationTime)"));
    st.bind(QStringLiteral(":Id"), m_db.guid(notification.id));
    st.bind(QStringLiteral(":TenantId"), m_db.guidOrNull(notification.tenantId));
    st.bind(QStringLiteral(":UserId"), m_db.guid(notification.userId));
    st.bind(QStringLiteral(":ConnectionId"), m_db.guidOrNull(notification.connectionId));
    st.bind(QStringLiteral(":Kind"), notification.kind);
    st.bind(QStringLiteral(":Message"), notification.message);
    st.bind(QStringLiteral(":IsRead"), m_db.boolean(notification.isRead));
    st.bind(QStringLiteral(":CreationTime"), m_db.timestamp(notification.creationTime));
    return st.exec();
}

Result<QList<Notification>>
NotificationRepository::listForUser(const std::optional<QUuid> &tenantId, const QUuid &userId,
                                    bool unreadOnly) const
{
    SqlStatement st(m_db, QStringLiteral("notification.list"));
    QString sql = QStringLiteral("SELECT * FROM \"SocialCrmNotifications\" WHERE ") +
                  Rows::tenantMatches() + QStringLiteral(" AND \"UserId\" = :UserId");
    if (unreadOnly)
        sql += QStringLiteral(" AND \"IsRead\" = :Unread");
    st.prepare(sql + QStringLiteral(" ORDER BY \"CreationTime\" DESC, \"Id\""));
    Rows::bindTenantKey(st, m_db, tenantId);
    st.bind(QStringLiteral(":UserId"), m_db.guid(userId));
    if (unreadOnly)
        st.bind(QStringLiteral(":Unread"), m_db.boolean(false));
    if (Result<void> r = st.exec(); !r)
        return r.error();
    QList<Notification> notifications;
    while (st.next())
        notifications << readRow(st, m_db);
    return notifications;
}

Result<void> NotificationRepository::markRead(const QUuid &id)
{
    SqlStatement st(m_db, QStringLiteral("notification.mark-read"));
    st.prepare(QStringLiteral("UPDATE \"SocialCrmNotifications\" SET \"IsRead\" = :Read "
                              "WHERE \"Id\" = :Id"));
    st.bind(QStringLiteral(":Read"), m_db.boolean(true));
    st.bind(QStringLiteral(":Id"), m_db.guid(id));
    return st.execOneRow(ErrorCode::NotFound, trDb("The notification no longer exists."));
}

} // namespace EasyCrm::Db
