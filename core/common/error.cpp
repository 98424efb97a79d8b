#include "core/common/error.h"

#include <QMetaEnum>

namespace EasyCrm {

QString errorCodeName(ErrorCode code)
{
    const char *name = QMetaEnum::fromType<ErrorCode>().valueToKey(static_cast<int>(code));
    return name ? QString::fromLatin1(name) : QStringLiteral("Unknown");
}

} // namespace EasyCrm
