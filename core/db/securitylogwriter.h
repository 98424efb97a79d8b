#pragma once

#include "core/common/result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QUuid>

#include <optional>

namespace EasyCrm::Db {

class Database;

// One AbpSecurityLogs row: a state mismatch or another OAuth anomaly. `extraProperties`
// carries the reason ({"Reason": "UnknownState", "Provider": "x"}), never a token or state.
struct SecurityLogEntry
{
    std::optional<QUuid> tenantId;
    QString tenantName;
    std::optional<QUuid> userId;
    QString userName;
    QString applicationName;
    QString identity; // ABP: the identity source, e.g. "SocialConnect"
    QString action;   // e.g. "StateMismatch"
    QString clientIpAddress;
    QString browserInfo;
    QString clientId;
    QString correlationId;
    QJsonObject extraProperties;
    QDateTime creationTime; // UTC
};

class SecurityLogWriter final
{
public:
    explicit SecurityLogWriter(Database &db)
        : m_db(db)
    {}
    // `id`, when given, receives the new row's id on success.
    [[nodiscard]] Result<void> write(const SecurityLogEntry &entry, QUuid *id = nullptr);

private:
    Database &m_db;
};

} // namespace EasyCrm::Db
