#include "core/common/ids.h"

namespace EasyCrm::Ids {

QUuid newGuid()
{
    // QUuid::createUuid() draws from the system random source (version 4 UUID).
    return QUuid::createUuid();
}

QString text(const QUuid &id)
{
    return id.toString(QUuid::WithoutBraces);
}

QString newConcurrencyStamp()
{
    return newGuid().toString(QUuid::Id128);
}

} // namespace EasyCrm::Ids
