#pragma once

// Reading and writing the XML of the key ring. Internal to easycrm_crypto.

#include "core/common/result.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>

namespace EasyCrm::Crypto::Detail {

// One element with its children, names reduced to local names: the server's XML uses varying
// namespace prefixes, and matching by local name keeps every variant readable.
struct XmlNode
{
    QString name;
    QHash<QString, QString> attributes;
    QString text;
    QList<XmlNode> children;

    [[nodiscard]] const XmlNode *child(QStringView localName) const;
    [[nodiscard]] QString attribute(QStringView localName) const;
};

// KeyRingInvalid if `xml` is not one well-formed element.
[[nodiscard]] Result<XmlNode> parseXmlElement(const QString &xml);

// xs:dateTime as .NET's XmlConvert writes a DateTimeOffset ("2024-05-01T12:00:00.1234567Z",
// or with a "+02:00" offset); returned in UTC, invalid when the text is not such a value.
[[nodiscard]] QDateTime parseXmlDateTime(QStringView text);
[[nodiscard]] QString formatXmlDateTime(const QDateTime &dateTime);

// Overwrites a string's characters when this holder is their only owner.
void wipeString(QString &text);
// Wipes the text of a node and of all its children (a <value> holds a master key).
void wipeTexts(XmlNode &node);

} // namespace EasyCrm::Crypto::Detail
