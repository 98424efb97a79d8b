#include "core/db/rowhelpers.h"

#include <QJsonDocument>

namespace EasyCrm::Db::Rows {

QString jsonText(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QJsonObject readJson(const QVariant &value)
{
    return QJsonDocument::fromJson(value.toString().toUtf8()).object();
}

QString joinScopes(const QStringList &scopes)
{
    return scopes.join(u' ');
}

QStringList splitScopes(const QVariant &value)
{
    return value.toString().split(u' ', Qt::SkipEmptyParts);
}

QString tenantMatches()
{
    return coalescedTenant() + QStringLiteral(" = :TenantKey");
}

void bindTenantKey(SqlStatement &st, const Database &db, const std::optional<QUuid> &tenantId)
{
    st.bind(QStringLiteral(":TenantKey"), db.guid(tenantId.value_or(QUuid())));
}

QString auditedColumnList()
{
    return QStringLiteral("\"ExtraProperties\", \"ConcurrencyStamp\", \"CreationTime\", "
                          "\"CreatorId\", \"LastModificationTime\", \"LastModifierId\"");
}

QString auditedPlaceholders()
{
    return QStringLiteral(":ExtraProperties, :ConcurrencyStamp, :CreationTime, :CreatorId, "
                          ":LastModificationTime, :LastModifierId");
}

void bindAudited(SqlStatement &st, const Database &db, const AuditedFields &audit)
{
    st.bind(QStringLiteral(":ExtraProperties"), jsonText(audit.extraProperties));
    st.bind(QStringLiteral(":ConcurrencyStamp"), audit.concurrencyStamp);
    st.bind(QStringLiteral(":CreationTime"), db.timestamp(audit.creationTime));
    st.bind(QStringLiteral(":CreatorId"), db.guidOrNull(audit.creatorId));
    st.bind(QStringLiteral(":LastModificationTime"), db.timestamp(audit.lastModificationTime));
    st.bind(QStringLiteral(":LastModifierId"), db.guidOrNull(audit.lastModifierId));
}

AuditedFields readAudited(const SqlStatement &st, const Database &db)
{
    AuditedFields audit;
    audit.extraProperties = readJson(st.value(QStringLiteral("ExtraProperties")));
    audit.concurrencyStamp = text(st, "ConcurrencyStamp");
    audit.creationTime = time(st, db, "CreationTime");
    audit.creatorId = optionalGuid(st, db, "CreatorId");
    audit.lastModificationTime = time(st, db, "LastModificationTime");
    audit.lastModifierId = optionalGuid(st, db, "LastModifierId");
    return audit;
}

QString text(const SqlStatement &st, const char *column)
{
    return st.value(QString::fromLatin1(column)).toString();
}

QDateTime time(const SqlStatement &st, const Database &db, const char *column)
{
    return db.readTimestamp(st.value(QString::fromLatin1(column)));
}

std::optional<QUuid> optionalGuid(const SqlStatement &st, const Database &db, const char *column)
{
    return db.readGuidOrNull(st.value(QString::fromLatin1(column)));
}

Result<void> requireTime(const QDateTime &time, const QString &stage)
{
    if (time.isValid())
        return {};
    return makeError(ErrorCode::DatabaseError,
                     trDb("The CRM database could not complete the operation."),
                     stage + QStringLiteral(": required timestamp missing"));
}

} // namespace EasyCrm::Db::Rows
