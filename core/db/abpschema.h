#pragma once

#include "core/db/schema.h"

namespace EasyCrm::Db::AbpSchema {

// ABP's tables this product reads or writes, with the columns, types, defaults and indexes
// ABP's EF Core migrations give them (ABP 8.x/9.x, Npgsql and SQLite providers), plus EF
// Core's DataProtectionKeys. The embedded SQLite database creates them; a production
// database already has them and is only checked against them.
[[nodiscard]] TableSpec auditLogs();
[[nodiscard]] TableSpec auditLogActions();
[[nodiscard]] TableSpec entityChanges();
[[nodiscard]] TableSpec entityPropertyChanges();
[[nodiscard]] TableSpec securityLogs();
[[nodiscard]] TableSpec backgroundJobs();
[[nodiscard]] TableSpec eventOutbox();
[[nodiscard]] TableSpec tenants();
[[nodiscard]] TableSpec users();
[[nodiscard]] TableSpec roles();
[[nodiscard]] TableSpec userRoles();
[[nodiscard]] TableSpec permissionGrants();
[[nodiscard]] TableSpec dataProtectionKeys();

// All of the above, parents before children.
[[nodiscard]] QList<TableSpec> all();

} // namespace EasyCrm::Db::AbpSchema
