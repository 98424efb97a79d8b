#include "core/db/abpschema.h"

namespace EasyCrm::Db::AbpSchema {

namespace {

using N = Nullability;

QString s(const char *text)
{
    return QString::fromLatin1(text);
}

// FullAuditedAggregateRoot: audited columns plus soft delete.
QList<ColumnSpec> fullAudited()
{
    QList<ColumnSpec> columns = Col::auditedColumns();
    columns << Col::boolean(s("IsDeleted"), false) << Col::guid(s("DeleterId"), N::Null)
            << Col::timestamp(s("DeletionTime"), N::Null);
    return columns;
}

ColumnSpec extraPropertiesNullable()
{
    return Col::text(s("ExtraProperties"), N::Null);
}

} // namespace

TableSpec auditLogs()
{
    TableSpec t{s("AbpAuditLogs"), {}, {s("Id")}, {}, {}, {}};
    t.columns = {Col::guid(s("Id")),
                 Col::string(s("ApplicationName"), 96),
                 Col::guid(s("UserId"), N::Null),
                 Col::string(s("UserName"), 256),
                 Col::guid(s("TenantId"), N::Null),
                 Col::string(s("TenantName"), 64),
                 Col::guid(s("ImpersonatorUserId"), N::Null),
                 Col::string(s("ImpersonatorUserName"), 256),
                 Col::guid(s("ImpersonatorTenantId"), N::Null),
                 Col::string(s("ImpersonatorTenantName"), 64),
                 Col::timestamp(s("ExecutionTime")),
                 Col::integer(s("ExecutionDuration")),
                 Col::string(s("ClientIpAddress"), 64),
                 Col::string(s("ClientName"), 128),
                 Col::string(s("ClientId"), 64),
                 Col::string(s("CorrelationId"), 64),
                 Col::string(s("BrowserInfo"), 512),
                 Col::string(s("HttpMethod"), 16),
                 Col::string(s("Url"), 256),
                 Col::text(s("Exceptions")),
                 Col::string(s("Comments"), 256),
                 Col::integer(s("HttpStatusCode"), N::Null)};
    t.columns << Col::extraPropertiesAndStamp();
    t.indexes = {indexOn(t.name, {s("TenantId"), s("ExecutionTime")}),
                 indexOn(t.name, {s("TenantId"), s("UserId"), s("ExecutionTime")})};
    return t;
}

TableSpec auditLogActions()
{
    TableSpec t{s("AbpAuditLogActions"), {}, {s("Id")}, {}, {}, {}};
    t.columns = {Col::guid(s("Id")),
                 Col::guid(s("TenantId"), N::Null),
                 Col::guid(s("AuditLogId")),
                 Col::string(s("ServiceName"), 256),
                 Col::string(s("MethodName"), 128),
                 Col::string(s("Parameters"), 2000),
                 Col::timestamp(s("ExecutionTime")),
                 Col::integer(s("ExecutionDuration")),
                 extraPropertiesNullable()};
    t.foreignKeys = {{s("AuditLogId"), s("AbpAuditLogs"), s("CASCADE")}};
    t.indexes = {
        indexOn(t.name, {s("AuditLogId")}),
        indexOn(t.name, {s("TenantId"), s("ServiceName"), s("MethodName"), s("ExecutionTime")})};
    return t;
}

TableSpec entityChanges()
{
    TableSpec t{s("AbpEntityChanges"), {}, {s("Id")}, {}, {}, {}};
    t.columns = {Col::guid(s("Id")),
                 Col::guid(s("AuditLogId")),
                 Col::guid(s("TenantId"), N::Null),
                 Col::timestamp(s("ChangeTime")),
                 Col::smallInt(s("ChangeType")),
                 Col::guid(s("EntityTenantId"), N::Null),
                 Col::string(s("EntityId"), 128),
                 Col::string(s("EntityTypeFullName"), 128, N::NotNull),
                 extraPropertiesNullable()};
    t.foreignKeys = {{s("AuditLogId"), s("AbpAuditLogs"), s("CASCADE")}};
    t.indexes = {indexOn(t.name, {s("AuditLogId")}),
                 indexOn(t.name, {s("TenantId"), s("EntityTypeFullName"), s("EntityId")})};
    return t;
}

TableSpec entityPropertyChanges()
{
    TableSpec t{s("AbpEntityPropertyChanges"), {}, {s("Id")}, {}, {}, {}};
    t.columns = {Col::guid(s("Id")),
                 Col::guid(s("TenantId"), N::Null),
                 Col::guid(s("EntityChangeId")),
                 Col::string(s("NewValue"), 512),
                 Col::string(s("OriginalValue"), 512),
                 Col::string(s("PropertyName"), 128, N::NotNull),
                 Col::string(s("PropertyTypeFullName"), 64, N::NotNull)};
    t.foreignKeys = {{s("EntityChangeId"), s("AbpEntityChanges"), s("CASCADE")}};
    t.indexes = {indexOn(t.name, {s("EntityChangeId")})};
    return t;
}

TableSpec securityLogs()
{
    TableSpec t{s("AbpSecurityLogs"), {}, {s("Id")}, {}, {}, {}};
    t.columns = {Col::guid(s("Id")),
                 Col::guid(s("TenantId"), N::Null),
                 Col::string(s("ApplicationName"), 96),
                 Col::string(s("Identity"), 96),
                 Col::string(s("Action"), 96),
                 Col::guid(s("UserId"), N::Null),
                 Col::string(s("UserName"), 256),
                 Col::string(s("TenantName"), 64),
                 Col::string(s("ClientId"), 64),
                 Col::string(s("CorrelationId"), 64),
                 Col::string(s("ClientIpAddress"), 64),
                 Col::string(s("BrowserInfo"), 512),
                 Col::timestamp(s("CreationTime"))};
    t.columns << Col::extraPropertiesAndStamp();
    t.indexes = {indexOn(t.name, {s("TenantId"), s("Action")}),
                 indexOn(t.name, {s("TenantId"), s("ApplicationName")}),
                 indexOn(t.name, {s("TenantId"), s("Identity")}),
                 indexOn(t.name, {s("TenantId"), s("UserId")})};
    return t;
}

TableSpec backgroundJobs()
{
    TableSpec t{s("AbpBackgroundJobs"), {}, {s("Id")}, {}, {}, {}};
    ColumnSpec applicationName = Col::string(s("ApplicationName"), 96);
    applicationName.optional = true; // added in ABP 8.2
    t.columns = {Col::guid(s("Id")),
                 applicationName,
                 Col::string(s("JobName"), 128, N::NotNull),
                 Col::string(s("JobArgs"), 1048576, N::NotNull),
                 Col::smallInt(s("TryCount"), 0),
                 Col::timestamp(s("CreationTime")),
                 Col::timestamp(s("NextTryTime")),
                 Col::timestamp(s("LastTryTime"), N::Null),
                 Col::boolean(s("IsAbandoned"), false),
                 Col::smallInt(s("Priority"), 15)};
    t.columns << Col::extraPropertiesAndStamp();
    t.indexes = {indexOn(t.name, {s("IsAbandoned"), s("NextTryTime")})};
    return t;
}

TableSpec eventOutbox()
{
    TableSpec t{s("AbpEventOutbox"), {}, {s("Id")}, {}, {}, {}};
    t.columns = {Col::guid(s("Id")), Col::text(s("ExtraProperties"), N::NotNull),
                 Col::string(s("EventName"), 256, N::NotNull), Col::bytes(s("EventData")),
                 Col::timestamp(s("CreationTime"))};
    t.indexes = {indexOn(t.name, {s("CreationTime")})};
    return t;
}

TableSpec tenants()
{
    TableSpec t{s("AbpTenants"), {}, {s("Id")}, {}, {}, {}};
    t.columns = {Col::guid(s("Id")), Col::string(s("Name"), 64, N::NotNull),
                 Col::string(s("NormalizedName"), 64, N::NotNull),
                 Col::integer(s("EntityVersion"))};
    t.columns << Col::extraPropertiesAndStamp() << fullAudited();
    t.indexes = {indexOn(t.name, {s("Name")}), indexOn(t.name, {s("NormalizedName")})};
    return t;
}

TableSpec users()
{
    TableSpec t{s("AbpUsers"), {}, {s("Id")}, {}, {}, {}};
    t.columns = {Col::guid(s("Id")),
                 Col::guid(s("TenantId"), N::Null),
                 Col::string(s("UserName"), 256, N::NotNull),
                 Col::string(s("NormalizedUserName"), 256, N::NotNull),
                 Col::string(s("Name"), 64),
                 Col::string(s("Surname"), 64),
                 Col::string(s("Email"), 256, N::NotNull),
                 Col::string(s("NormalizedEmail"), 256, N::NotNull),
                 Col::boolean(s("EmailConfirmed"), false),
                 Col::string(s("PasswordHash"), 256),
                 Col::string(s("SecurityStamp"), 256, N::NotNull),
                 Col::boolean(s("IsExternal"), false),
                 Col::string(s("PhoneNumber"), 16),
                 Col::boolean(s("PhoneNumberConfirmed"), false),
                 Col::boolean(s("IsActive")),
                 Col::boolean(s("TwoFactorEnabled"), false),
                 Col::timestampTz(s("LockoutEnd")),
                 Col::boolean(s("LockoutEnabled"), false),
                 Col::integer(s("AccessFailedCount"), N::NotNull, 0),
                 Col::boolean(s("ShouldChangePasswordOnNextLogin")),
                 Col::integer(s("EntityVersion")),
                 Col::timestampTz(s("LastPasswordChangeTime"))};
    t.columns << Col::extraPropertiesAndStamp() << fullAudited();
    t.indexes = {indexOn(t.name, {s("Email")}), indexOn(t.name, {s("NormalizedEmail")}),
                 indexOn(t.name, {s("NormalizedUserName")}), indexOn(t.name, {s("UserName")})};
    return t;
}

TableSpec roles()
{
    TableSpec t{s("AbpRoles"), {}, {s("Id")}, {}, {}, {}};
    t.columns = {Col::guid(s("Id")),
                 Col::guid(s("TenantId"), N::Null),
                 Col::string(s("Name"), 256, N::NotNull),
                 Col::string(s("NormalizedName"), 256, N::NotNull),
                 Col::boolean(s("IsDefault")),
                 Col::boolean(s("IsStatic")),
                 Col::boolean(s("IsPublic")),
                 Col::integer(s("EntityVersion")),
                 Col::timestamp(s("CreationTime"))};
    t.columns << Col::extraPropertiesAndStamp();
    t.indexes = {indexOn(t.name, {s("NormalizedName")})};
    return t;
}

TableSpec userRoles()
{
    TableSpec t{s("AbpUserRoles"), {}, {s("UserId"), s("RoleId")}, {}, {}, {}};
    t.columns = {Col::guid(s("UserId")), Col::guid(s("RoleId")), Col::guid(s("TenantId"), N::Null)};
    t.foreignKeys = {{s("RoleId"), s("AbpRoles"), s("CASCADE")},
                     {s("UserId"), s("AbpUsers"), s("CASCADE")}};
    t.indexes = {indexOn(t.name, {s("RoleId"), s("UserId")})};
    return t;
}

TableSpec permissionGrants()
{
    TableSpec t{s("AbpPermissionGrants"), {}, {s("Id")}, {}, {}, {}};
    t.columns = {Col::guid(s("Id")), Col::guid(s("TenantId"), N::Null),
                 Col::string(s("Name"), 128, N::NotNull),
                 Col::string(s("ProviderName"), 64, N::NotNull),
                 Col::string(s("ProviderKey"), 64, N::NotNull)};
    t.indexes = {
        indexOn(t.name, {s("TenantId"), s("Name"), s("ProviderName"), s("ProviderKey")}, true)};
    return t;
}

TableSpec dataProtectionKeys()
{
    // EF Core's DataProtectionKey entity (PersistKeysToDbContext).
    TableSpec t{s("DataProtectionKeys"), {}, {s("Id")}, {}, {}, {}};
    t.columns = {Col::identity(s("Id")), Col::text(s("FriendlyName")), Col::text(s("Xml"))};
    return t;
}

QList<TableSpec> all()
{
    return {auditLogs(),
            auditLogActions(),
            entityChanges(),
            entityPropertyChanges(),
            securityLogs(),
            backgroundJobs(),
            eventOutbox(),
            tenants(),
            users(),
            roles(),
            userRoles(),
            permissionGrants(),
            dataProtectionKeys()};
}

} // namespace EasyCrm::Db::AbpSchema
