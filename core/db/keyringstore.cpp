#include "core/db/keyringstore.h"

#include "core/db/database.h"
#include "core/db/sqlstatement.h"

namespace EasyCrm::Db {

Result<QStringList> KeyRingStore::xmlElements() const
{
    SqlStatement st(m_db, QStringLiteral("key-ring.read"));
    st.prepare(QStringLiteral("SELECT \"Xml\" FROM \"DataProtectionKeys\" "
                              "WHERE \"Xml\" IS NOT NULL ORDER BY \"Id\""));
    if (Result<void> r = st.exec(); !r)
        return r.error();
    QStringList elements;
    while (st.next())
        elements << st.value(QStringLiteral("Xml")).toString();
    return elements;
}

Result<void> KeyRingStore::addKey(const QString &friendlyName, const QString &xml)
{
    if (m_db.driver() != Driver::Sqlite)
        return makeError(ErrorCode::DatabaseError,
                         trDb("The key ring of a server database is managed by the server."),
                         QStringLiteral("key-ring.add: refused outside the embedded database"));
    SqlStatement st(m_db, QStringLiteral("key-ring.add"));
    st.prepare(QStringLiteral("INSERT INTO \"DataProtectionKeys\" (\"FriendlyName\", \"Xml\") "
                              "VALUES (:FriendlyName, :Xml)"));
    st.bind(QStringLiteral(":FriendlyName"), friendlyName);
    st.bind(QStringLiteral(":Xml"), xml);
    return st.exec();
}

} // namespace EasyCrm::Db
