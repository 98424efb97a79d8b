#include "core/service/actionaudit.h"

#include "core/service/crmcontract.h"

#include <QJsonDocument>

namespace EasyCrm {

Db::AuditEntry actionAudit(const SessionUser &user, const QString &serviceName,
                           const QString &action, const QJsonObject &parameters,
                           const QDateTime &nowUtc)
{
    Db::AuditEntry entry;
    entry.tenantId = user.tenantId;
    entry.tenantName = user.tenantName;
    entry.userId = user.userId;
    entry.userName = user.userName;
    entry.serviceName = serviceName;
    entry.methodName = action;
    entry.parametersJson =
        QString::fromUtf8(QJsonDocument(parameters).toJson(QJsonDocument::Compact));
    entry.executionTime = nowUtc;
    entry.clientName = Contract::kClientName;
    return entry;
}

} // namespace EasyCrm
