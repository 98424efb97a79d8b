#include "ui/messagestrip.h"

#include "ui/theme.h"

#include <QAccessible>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

namespace EasyCrm::Ui {

namespace {

QString kindName(MessageStrip::Kind kind)
{
    switch (kind) {
    case MessageStrip::Kind::Success:
        return QStringLiteral("success");
    case MessageStrip::Kind::Error:
        return QStringLiteral("error");
    case MessageStrip::Kind::Info:
        return QStringLiteral("info");
    }
    return {};
}

QString kindGlyph(MessageStrip::Kind kind)
{
    switch (kind) {
    case MessageStrip::Kind::Success:
        return QStringLiteral("\u2713");
    case MessageStrip::Kind::Error:
        return QStringLiteral("!");
    case MessageStrip::Kind::Info:
        return QStringLiteral("i");
    }
    return {};
}

} // namespace

MessageStrip::MessageStrip(QWidget *parent)
    : QFrame(parent)
    , m_icon(new QLabel(this))
    , m_text(new QLabel(this))
    , m_dismiss(new QToolButton(this))
{
    setObjectName(QStringLiteral("messageStrip"));
    m_icon->setObjectName(QStringLiteral("messageIcon"));
    m_icon->setFixedSize(20, 20);
    m_icon->setAlignment(Qt::AlignCenter);
    m_text->setObjectName(QStringLiteral("messageText"));
    m_text->setTextFormat(Qt::PlainText);
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_dismiss->setObjectName(QStringLiteral("dismissMessageButton"));
    //: Closes the message shown above the providers.
    m_dismiss->setText(QStringLiteral("\u00d7"));
    m_dismiss->setToolTip(tr("Dismiss"));
    m_dismiss->setAccessibleName(tr("Dismiss message"));
    connect(m_dismiss, &QToolButton::clicked, this, &MessageStrip::dismiss);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(12, 9, 8, 9);
    layout->setSpacing(10);
    layout->addWidget(m_icon, 0, Qt::AlignTop);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_dismiss, 0, Qt::AlignTop);
    hide();
}

void MessageStrip::showMessage(Kind kind, const QString &text)
{
    m_kind = kind;
    Theme::setStyleProperty(this, "kind", kindName(kind));
    m_icon->setText(kindGlyph(kind));
    m_text->setText(text);
    setAccessibleDescription(text);
    show();
    // Screen readers announce the outcome without the person hunting for it.
    QAccessibleEvent event(m_text, QAccessible::Alert);
    QAccessible::updateAccessibility(&event);
}

QString MessageStrip::text() const
{
    return m_text->text();
}

void MessageStrip::dismiss()
{
    if (isHidden())
        return;
    hide();
    m_text->clear();
    emit dismissed();
}

} // namespace EasyCrm::Ui
