#pragma once

#include "core/common/result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QUuid>

#include <optional>

namespace EasyCrm::Db {

class Database;

// ABP's EntityChangeType, stored as a byte.
enum class EntityChangeType { Created = 0, Updated = 1, Deleted = 2 };

// One changed property of the audited entity, values JSON-serialized as ABP writes them
// ("\"Connected\"", "2"). Never a token.
struct PropertyChange
{
    QString propertyName;
    QString propertyTypeFullName;
    QString originalValue;
    QString newValue;
};

// One connection action as ABP's auditing would record it.
struct AuditEntry
{
    std::optional<QUuid> tenantId;
    QString tenantName;
    std::optional<QUuid> userId;
    QString userName;
    QString applicationName; // empty = NULL, as with no AbpAuditingOptions.ApplicationName
    QString serviceName;     // the type performing the action
    QString methodName;      // the action, e.g. "SocialConnectionCreated"
    QString parametersJson = QStringLiteral("{}"); // never a token, code or secret
    QString entityId;                              // empty = no AbpEntityChanges row
    QString entityTypeFullName;
    EntityChangeType changeType = EntityChangeType::Created;
    QList<PropertyChange> propertyChanges;
    QDateTime executionTime; // UTC
    int durationMs = 0;
    QString clientName;
    QString clientIpAddress;
    QString browserInfo;
    QString correlationId;
    std::optional<int> httpStatusCode; // NULL outside an HTTP request
    QString exceptions;
    QString comments;
    QJsonObject extraProperties;
};

struct AuditRecordIds
{
    QUuid auditLogId;
    QUuid actionId;
    std::optional<QUuid> entityChangeId;
};

// Writes AbpAuditLogs + AbpAuditLogActions (+ AbpEntityChanges, AbpEntityPropertyChanges),
// linked by AuditLogId/EntityChangeId, in one transaction (a savepoint inside the caller's).
class AuditWriter final
{
public:
    explicit AuditWriter(Database &db)
        : m_db(db)
    {}
    // `written`, when given, receives the ids of the rows on success.
    [[nodiscard]] Result<void> write(const AuditEntry &entry, AuditRecordIds *written = nullptr);

private:
    [[nodiscard]] Result<void> writeLog(const QUuid &id, const AuditEntry &entry);
    [[nodiscard]] Result<void> writeAction(const QUuid &id, const QUuid &logId,
                                           const AuditEntry &entry);
    [[nodiscard]] Result<void> writeEntityChange(const QUuid &id, const QUuid &logId,
                                                 const AuditEntry &entry);
    [[nodiscard]] Result<void> writePropertyChange(const QUuid &changeId, const AuditEntry &entry,
                                                   const PropertyChange &change);

    Database &m_db;
};

} // namespace EasyCrm::Db
