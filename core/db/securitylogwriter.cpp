#include "core/db/securitylogwriter.h"

#include "core/common/ids.h"
#include "core/db/rowhelpers.h"

namespace EasyCrm::Db {

Result<void> SecurityLogWriter::write(const SecurityLogEntry &e, QUuid *written)
{
    const QString stage = QStringLiteral("security-log.write");
    if (Result<void> r = Rows::requireTime(e.creationTime, stage); !r)
        return r;
    const QUuid id = Ids::newGuid();
    const Dialect &d = m_db.dialect();
    SqlStatement st(m_db, stage);
    st.prepare(QStringLiteral(
        "INSERT INTO \"AbpSecurityLogs\" (\"Id\", \"TenantId\", \"ApplicationName\", "
        "\"Identity\", \"Action\", \"UserId\", \"UserName\", \"TenantName\", \"ClientId\", "
        "\"CorrelationId\", \"ClientIpAddress\", \"BrowserInfo\", \"CreationTime\", "
        "\"ExtraProperties\", \"ConcurrencyStamp\") VALUES (:Id, :TenantId, :ApplicationName, "
        ":Identity, :Action, :UserId, :UserName, :TenantName, :ClientId, :CorrelationId, "
        ":ClientIp, :BrowserInfo, :CreationTime, :ExtraProperties, :Stamp)"));
    // ABP's SecurityLogConsts: 96 for names, 256 user, 64 tenant/ids/ip, 512 browser.
    st.bind(QStringLiteral(":Id"), m_db.guid(id));
    st.bind(QStringLiteral(":TenantId"), m_db.guidOrNull(e.tenantId));
    st.bind(QStringLiteral(":ApplicationName"), d.textOrNull(e.applicationName.left(96)));
    st.bind(QStringLiteral(":Identity"), d.textOrNull(e.identity.left(96)));
    st.bind(QStringLiteral(":Action"), d.textOrNull(e.action.left(96)));
    st.bind(QStringLiteral(":UserId"), m_db.guidOrNull(e.userId));
    st.bind(QStringLiteral(":UserName"), d.textOrNull(e.userName.left(256)));
    st.bind(QStringLiteral(":TenantName"), d.textOrNull(e.tenantName.left(64)));
    st.bind(QStringLiteral(":ClientId"), d.textOrNull(e.clientId.left(64)));
    st.bind(QStringLiteral(":CorrelationId"), d.textOrNull(e.correlationId.left(64)));
    st.bind(QStringLiteral(":ClientIp"), d.textOrNull(e.clientIpAddress.left(64)));
    st.bind(QStringLiteral(":BrowserInfo"), d.textOrNull(e.browserInfo.left(512)));
    st.bind(QStringLiteral(":CreationTime"), m_db.timestamp(e.creationTime));
    st.bind(QStringLiteral(":ExtraProperties"), Rows::jsonText(e.extraProperties));
    st.bind(QStringLiteral(":Stamp"), Ids::newConcurrencyStamp());
    if (Result<void> r = st.exec(); !r)
        return r;
    if (written)
        *written = id;
    return {};
}

} // namespace EasyCrm::Db
