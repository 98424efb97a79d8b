#pragma once

// Shared by the crypto tests: the known-answer vectors and key ring elements in the server's
// shape, with the namespace-prefix variants the server's XML can take.

#include "core/common/error.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QUuid>

namespace EasyCrm::CryptoTest {

inline QJsonObject vectors()
{
    QFile file(QStringLiteral(EASYCRM_VECTORS_DIR "/dataprotection.json"));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("Cannot open the Data Protection vectors: %s", qPrintable(file.fileName()));
    return QJsonDocument::fromJson(file.readAll()).object();
}

inline QJsonObject vector(const char *name)
{
    return vectors().value(QLatin1String(name)).toObject();
}

inline QByteArray hex(const QJsonValue &value)
{
    return QByteArray::fromHex(value.toString().toLatin1());
}

inline QByteArray base64(const QJsonValue &value)
{
    return QByteArray::fromBase64(value.toString().toLatin1());
}

inline QByteArray utf8(const QJsonValue &value)
{
    return value.toString().toUtf8();
}

inline QStringList strings(const QJsonValue &value)
{
    QStringList list;
    for (const QJsonValue &item : value.toArray())
        list << item.toString();
    return list;
}

inline QDateTime utc(const char *iso)
{
    return QDateTime::fromString(QLatin1String(iso), Qt::ISODate).toUTC();
}

inline QString xmlDate(const QDateTime &dateTime)
{
    return dateTime.toUTC().toString(Qt::ISODateWithMs);
}

// How the element is written: the server's own shape, or namespace-prefix variants.
enum class XmlStyle { Server, DefaultNamespace, PrefixedElements, PrettyPrinted };

struct KeySpec
{
    QUuid id;
    QDateTime created;
    QDateTime activated;
    QDateTime expires;
    QByteArray secret = QByteArray(64, '\x5a');
    // Replaces the whole inner descriptor, e.g. for keys encrypted at rest.
    QString innerDescriptor;
};

inline QString innerDescriptor(const QByteArray &secret)
{
    return QStringLiteral("<descriptor><encryption algorithm=\"AES_256_CBC\"/>"
                          "<validation algorithm=\"HMACSHA256\"/>"
                          "<masterKey p4:requiresEncryption=\"true\" "
                          "xmlns:p4=\"http://schemas.asp.net/2015/03/dataProtection\">"
                          "<!-- Warning: the key below is in an unencrypted form. -->"
                          "<value>%1</value></masterKey></descriptor>")
        .arg(QString::fromLatin1(secret.toBase64()));
}

// Every element of `xml` in the "dp" namespace prefix, and "p4" renamed to "x9".
inline QString withPrefixes(QString xml)
{
    return xml.replace(QStringLiteral("<"), QStringLiteral("<dp:"))
        .replace(QStringLiteral("<dp:/"), QStringLiteral("</dp:"))
        .replace(QStringLiteral("<dp:!--"), QStringLiteral("<!--"))
        .replace(QStringLiteral("p4:"), QStringLiteral("x9:"))
        .replace(QStringLiteral("xmlns:p4"), QStringLiteral("xmlns:x9"));
}

inline QString keyElement(const KeySpec &spec, XmlStyle style = XmlStyle::Server)
{
    const QString body =
        QStringLiteral("<key id=\"%1\" version=\"1\"><creationDate>%2</creationDate>"
                       "<activationDate>%3</activationDate><expirationDate>%4</expirationDate>"
                       "<descriptor deserializerType=\"Microsoft.AspNetCore.DataProtection."
                       "AuthenticatedEncryption.ConfigurationModel."
                       "AuthenticatedEncryptorDescriptorDeserializer, "
                       "Microsoft.AspNetCore.DataProtection, Version=8.0.0.0, Culture=neutral, "
                       "PublicKeyToken=adb9793829ddae60\">%5</descriptor></key>");
    QString xml = body.arg(spec.id.toString(QUuid::WithoutBraces), xmlDate(spec.created),
                           xmlDate(spec.activated), xmlDate(spec.expires),
                           spec.innerDescriptor.isEmpty() ? innerDescriptor(spec.secret)
                                                          : spec.innerDescriptor);
    switch (style) {
    case XmlStyle::Server:
        break;
    case XmlStyle::DefaultNamespace:
        xml.insert(4, QStringLiteral(" xmlns=\"urn:example:keyring\""));
        break;
    case XmlStyle::PrefixedElements:
        xml = withPrefixes(xml);
        xml.insert(7, QStringLiteral(" xmlns:dp=\"urn:example:keyring\""));
        break;
    case XmlStyle::PrettyPrinted:
        xml.replace(QStringLiteral("><"), QStringLiteral(">\n  <"));
        xml.prepend(QStringLiteral("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"));
        break;
    }
    return xml;
}

inline QString revocationElement(const QString &keyId, const QDateTime &date)
{
    return QStringLiteral("<revocation version=\"1\"><revocationDate>%1</revocationDate>"
                          "<!-- All keys created before the revocation date are revoked. -->"
                          "<key id=\"%2\" /><reason>test</reason></revocation>")
        .arg(xmlDate(date), keyId);
}

// Error codes compared by name, so a failure prints both sides.
inline QString codeName(ErrorCode code)
{
    return errorCodeName(code);
}

} // namespace EasyCrm::CryptoTest
