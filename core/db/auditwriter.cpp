#include "core/db/auditwriter.h"

#include "core/common/ids.h"
#include "core/db/rowhelpers.h"

namespace EasyCrm::Db {

namespace {

// ABP's AuditLogActionConsts / EntityChangeConsts limits and its truncation habits:
// type and method names keep their end, other texts their start, and over-long parameters
// are dropped whole rather than cut into invalid JSON.
QString keepEnd(const QString &text, qsizetype max)
{
    return text.size() > max ? text.right(max) : text;
}

QVariant limited(const Database &db, const QString &text, qsizetype max)
{
    return db.dialect().textOrNull(text.left(max));
}

} // namespace

Result<void> AuditWriter::write(const AuditEntry &entry, AuditRecordIds *written)
{
    if (Result<void> r = Rows::requireTime(entry.executionTime, QStringLiteral("audit.write")); !r)
        return r;
    AuditRecordIds ids{Ids::newGuid(), Ids::newGuid(), std::nullopt};
    Transaction tx(m_db);
    if (Result<void> r = tx.begin(); !r)
        return r;
    if (Result<void> r = writeLog(ids.auditLogId, entry); !r)
        return r;
    if (Result<void> r = writeAction(ids.actionId, ids.auditLogId, entry); !r)
        return r;
    if (!entry.entityTypeFullName.isEmpty()) {
        ids.entityChangeId = Ids::newGuid();
        if (Result<void> r = writeEntityChange(*ids.entityChangeId, ids.auditLogId, entry); !r)
            return r;
        for (const PropertyChange &change : entry.propertyChanges) {
            if (Result<void> r = writePropertyChange(*ids.entityChangeId, entry, change); !r)
                return r;
        }
    }
    if (Result<void> r = tx.commit(); !r)
        return r;
    if (written)
        *written = ids;
    return {};
}

Result<void> AuditWriter::writeLog(const QUuid &id, const AuditEntry &e)
{
    SqlStatement st(m_db, QStringLiteral("audit.log"));
    st.prepare(QStringLiteral(
        "INSERT INTO \"AbpAuditLogs\" (\"Id\", \"ApplicationName\", \"UserId\", \"UserName\", "
        "\"TenantId\", \"TenantName\", \"ImpersonatorUserId\", \"ImpersonatorUserName\", "
        "\"ImpersonatorTenantId\", \"ImpersonatorTenantName\", \"ExecutionTime\", "
        "\"ExecutionDuration\", \"ClientIpAddress\", \"ClientName\", \"ClientId\", "
        "\"CorrelationId\", \"BrowserInfo\", \"HttpMethod\", \"Url\", \"Exceptions\", "
        "\"Comments\", \"HttpStatusCode\", \"ExtraProperties\", \"ConcurrencyStamp\") VALUES "
        "(:Id, :ApplicationName, :UserId, :UserName, :TenantId, :TenantName, NULL, NULL, NULL, "
        "NULL, :ExecutionTime, :Duration, :ClientIp, :ClientName, NULL, :CorrelationId, "
        ":BrowserInfo, NULL, NULL, :Exceptions, :Comments, :HttpStatusCode, :ExtraProperties, "
        ":Stamp)"));
    st.bind(QStringLiteral(":Id"), m_db.guid(id));
    st.bind(QStringLiteral(":ApplicationName"), limited(m_db, e.applicationName, 96));
    st.bind(QStringLiteral(":UserId"), m_db.guidOrNull(e.userId));
    st.bind(QStringLiteral(":UserName"), limited(m_db, e.userName, 256));
    st.bind(QStringLiteral(":TenantId"), m_db.guidOrNull(e.tenantId));
    st.bind(QStringLiteral(":TenantName"), limited(m_db, e.tenantName, 64));
    st.bind(QStringLiteral(":ExecutionTime"), m_db.timestamp(e.executionTime));
    st.bind(QStringLiteral(":Duration"), e.durationMs);
    st.bind(QStringLiteral(":ClientIp"), limited(m_db, e.clientIpAddress, 64));
    st.bind(QStringLiteral(":ClientName"), limited(m_db, e.clientName, 128));
    st.bind(QStringLiteral(":CorrelationId"), limited(m_db, e.correlationId, 64));
    st.bind(QStringLiteral(":BrowserInfo"), limited(m_db, e.browserInfo, 512));
    st.bind(QStringLiteral(":Exceptions"), m_db.dialect().textOrNull(e.exceptions));
    st.bind(QStringLiteral(":Comments"), limited(m_db, e.comments, 256));
    st.bind(QStringLiteral(":HttpStatusCode"), m_db.dialect().intOrNull(e.httpStatusCode));
    st.bind(QStringLiteral(":ExtraProperties"), Rows::jsonText(e.extraProperties));
    st.bind(QStringLiteral(":Stamp"), Ids::newConcurrencyStamp());
    return st.exec();
}

Result<void> AuditWriter::writeAction(const QUuid &id, const QUuid &logId, const AuditEntry &e)
{
    SqlStatement st(m_db, QStringLiteral("audit.action"));
    st.prepare(QStringLiteral(
        "INSERT INTO \"AbpAuditLogActions\" (\"Id\", \"TenantId\", \"AuditLogId\", "
        "\"ServiceName\", \"MethodName\", \"Parameters\", \"ExecutionTime\", "
        "\"ExecutionDuration\", \"ExtraProperties\") VALUES (:Id, :TenantId, :AuditLogId, "
        ":ServiceName, :MethodName, :Parameters, :ExecutionTime, :Duration, :ExtraProperties)"));
    st.bind(QStringLiteral(":Id"), m_db.guid(id));
    st.bind(QStringLiteral(":TenantId"), m_db.guidOrNull(e.tenantId));
    st.bind(QStringLiteral(":AuditLogId"), m_db.guid(logId));
    st.bind(QStringLiteral(":ServiceName"), keepEnd(e.serviceName, 256));
    st.bind(QStringLiteral(":MethodName"), keepEnd(e.methodName, 128));
    st.bind(QStringLiteral(":Parameters"),
            e.parametersJson.size() > 2000 ? QStringLiteral("") : e.parametersJson);
    st.bind(QStringLiteral(":ExecutionTime"), m_db.timestamp(e.executionTime));
    st.bind(QStringLiteral(":Duration"), e.durationMs);
    st.bind(QStringLiteral(":ExtraProperties"), Rows::jsonText({}));
    return st.exec();
}

Result<void> AuditWriter::writeEntityChange(const QUuid &id, const QUuid &logId,
                                            const AuditEntry &e)
{
    SqlStatement st(m_db, QStringLiteral("audit.entity-change"));
    st.prepare(QStringLiteral(
        "INSERT INTO \"AbpEntityChanges\" (\"Id\", \"AuditLogId\", \"TenantId\", \"ChangeTime\", "
        "\"ChangeType\", \"EntityTenantId\", \"EntityId\", \"EntityTypeFullName\", "
        "\"ExtraProperties\") VALUES (:Id, :AuditLogId, :TenantId, :ChangeTime, :ChangeType, "
        ":EntityTenantId, :EntityId, :EntityType, :ExtraProperties)"));
    st.bind(QStringLiteral(":Id"), m_db.guid(id));
    st.bind(QStringLiteral(":AuditLogId"), m_db.guid(logId));
    st.bind(QStringLiteral(":TenantId"), m_db.guidOrNull(e.tenantId));
    st.bind(QStringLiteral(":ChangeTime"), m_db.timestamp(e.executionTime));
    st.bind(QStringLiteral(":ChangeType"), static_cast<int>(e.changeType));
    st.bind(QStringLiteral(":EntityTenantId"), m_db.guidOrNull(e.tenantId));
    st.bind(QStringLiteral(":EntityId"), limited(m_db, e.entityId, 128));
    st.bind(QStringLiteral(":EntityType"), keepEnd(e.entityTypeFullName, 128));
    st.bind(QStringLiteral(":ExtraProperties"), Rows::jsonText({}));
    return st.exec();
}

Result<void> AuditWriter::writePropertyChange(const QUuid &changeId, const AuditEntry &e,
                                              const PropertyChange &change)
{
    SqlStatement st(m_db, QStringLiteral("audit.property-change"));
    st.prepare(QStringLiteral(
        "INSERT INTO \"AbpEntityPropertyChanges\" (\"Id\", \"TenantId\", \"EntityChangeId\", "
        "\"NewValue\", \"OriginalValue\", \"PropertyName\", \"PropertyTypeFullName\") VALUES "
        "(:Id, :TenantId, :EntityChangeId, :NewValue, :OriginalValue, :Name, :Type)"));
    st.bind(QStringLiteral(":Id"), m_db.guid(Ids::newGuid()));
    st.bind(QStringLiteral(":TenantId"), m_db.guidOrNull(e.tenantId));
    st.bind(QStringLiteral(":EntityChangeId"), m_db.guid(changeId));
    st.bind(QStringLiteral(":NewValue"), limited(m_db, change.newValue, 512));
    st.bind(QStringLiteral(":OriginalValue"), limited(m_db, change.originalValue, 512));
    st.bind(QStringLiteral(":Name"), keepEnd(change.propertyName, 128));
    st.bind(QStringLiteral(":Type"), keepEnd(change.propertyTypeFullName, 64));
    return st.exec();
}

} // namespace EasyCrm::Db
