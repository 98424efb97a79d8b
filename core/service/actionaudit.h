#pragma once

#include "core/db/auditwriter.h"
#include "core/service/sessionuser.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace EasyCrm {

// The audit entry of one action of the signed-in user, as the CRM server's auditing writes it:
// who, on which tenant, which service and action with which parameters (never a token, code or
// secret), when, from this client. The caller names the entity it changed.
[[nodiscard]] Db::AuditEntry actionAudit(const SessionUser &user, const QString &serviceName,
                                         const QString &action, const QJsonObject &parameters,
                                         const QDateTime &nowUtc);

} // namespace EasyCrm
