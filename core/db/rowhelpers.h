#pragma once

#include "core/db/database.h"
#include "core/db/entities.h"
#include "core/db/sqlstatement.h"

#include <QJsonObject>
#include <QStringList>

#include <optional>

// Row-level conventions shared by the repositories (internal to easycrm_db).
namespace EasyCrm::Db::Rows {

// ABP stores ExtraProperties as JSON text, "{}" when empty.
[[nodiscard]] QString jsonText(const QJsonObject &object);
[[nodiscard]] QJsonObject readJson(const QVariant &value);

[[nodiscard]] QString joinScopes(const QStringList &scopes);
[[nodiscard]] QStringList splitScopes(const QVariant &value);

// Tenant equality through the same COALESCE expression the unique indexes use, so host
// rows (TenantId NULL) are matched by one code path and the index serves the lookup.
[[nodiscard]] QString tenantMatches();
void bindTenantKey(SqlStatement &st, const Database &db, const std::optional<QUuid> &tenantId);

// ExtraProperties, ConcurrencyStamp, CreationTime, CreatorId, LastModificationTime,
// LastModifierId: the list, the placeholders, the binding and the reading.
[[nodiscard]] QString auditedColumnList();
[[nodiscard]] QString auditedPlaceholders();
void bindAudited(SqlStatement &st, const Database &db, const AuditedFields &audit);
[[nodiscard]] AuditedFields readAudited(const SqlStatement &st, const Database &db);

[[nodiscard]] QString text(const SqlStatement &st, const char *column);
[[nodiscard]] QDateTime time(const SqlStatement &st, const Database &db, const char *column);
[[nodiscard]] std::optional<QUuid> optionalGuid(const SqlStatement &st, const Database &db,
                                                const char *column);

// A required timestamp the caller forgot is a programming error, reported, not guessed.
[[nodiscard]] Result<void> requireTime(const QDateTime &time, const QString &stage);

} // namespace EasyCrm::Db::Rows
