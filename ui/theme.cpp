#include "ui/theme.h"

#include <QApplication>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>
#include <QWidget>

#include <array>

namespace EasyCrm::Ui::Theme {

namespace {

// Cards on a soft grey ground; blue for actions; green, grey and amber for the three states.
const char kPageSheet[] = R"(
QWidget#socialIntegrationPage { background: #f7f8fa; }
QLabel#pageTitle { color: #101828; }
QLabel#pageDescription, QLabel#emptyLabel { color: #475467; }
QScrollArea#providerScroll, QWidget#providerList { background: transparent; border: none; }
QScrollBar:vertical { background: transparent; width: 12px; margin: 0px 0px 0px 4px; }
QScrollBar::handle:vertical { background: #d0d5dd; border-radius: 4px; min-height: 32px; }
QScrollBar::handle:vertical:hover { background: #98a2b3; }
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical { height: 0px; }
QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical { background: transparent; }

QFrame[card="true"] {
    background: #ffffff; border: 1px solid #e4e7ec; border-radius: 8px;
}
QLabel[role="providerName"] { color: #101828; }
QLabel[role="reason"] { color: #667085; }
QLabel[role="stateText"] { color: #475467; }
QLabel[role="stateText"][state="connected"] { color: #067647; }
QLabel[role="stateText"][state="requiresReauth"], QLabel[role="stateText"][state="expiring"] {
    color: #b54708;
}
QLabel[role="stateDot"] { background: #98a2b3; border-radius: 4px; }
QLabel[role="stateDot"][state="connected"] { background: #17b26a; }
QLabel[role="stateDot"][state="requiresReauth"], QLabel[role="stateDot"][state="expiring"] {
    background: #f79009;
}

QPushButton[action] {
    border-radius: 6px; padding: 6px 14px; min-width: 86px; font-weight: 600;
}
QPushButton[action="connect"], QPushButton[action="reconnect"] {
    background: #2563eb; color: #ffffff; border: 1px solid #2563eb;
}
QPushButton[action="connect"]:hover, QPushButton[action="reconnect"]:hover {
    background: #1d4ed8; border-color: #1d4ed8;
}
QPushButton[action="connect"]:pressed, QPushButton[action="reconnect"]:pressed {
    background: #1e40af;
}
QPushButton[action="disconnect"], QPushButton[action="secondary"] {
    background: #ffffff; color: #344054; border: 1px solid #d0d5dd;
}
QPushButton[action="disconnect"]:hover, QPushButton[action="secondary"]:hover {
    background: #f9fafb; border-color: #98a2b3;
}
QPushButton[action="link"] {
    background: transparent; color: #2563eb; border: 1px solid transparent; min-width: 0;
    padding: 6px 6px; font-weight: 500;
}
QPushButton[action="link"]:hover { color: #1d4ed8; text-decoration: underline; }
QPushButton[action]:focus { border: 2px solid #84adff; }
QPushButton[action]:disabled {
    background: #f2f4f7; color: #98a2b3; border: 1px solid #e4e7ec;
}

QFrame#waitingPanel {
    background: #eff4ff; border: 1px solid #a4bcfd; border-radius: 8px;
}
QLabel#waitingTitle { color: #1d2939; }
QLabel#waitingDetail { color: #475467; }
QProgressBar#waitingProgress {
    background: #dbe6fe; border: none; border-radius: 3px; max-height: 6px; min-height: 6px;
}
QProgressBar#waitingProgress::chunk { background: #2563eb; border-radius: 3px; }

QFrame#messageStrip { border: 1px solid #d0d5dd; border-radius: 8px; }
QFrame#messageStrip[kind="success"] { background: #ecfdf3; border-color: #abefc6; }
QFrame#messageStrip[kind="error"] { background: #fef3f2; border-color: #fecdca; }
QFrame#messageStrip[kind="info"] { background: #eff8ff; border-color: #b2ddff; }
QFrame#messageStrip[kind="success"] QLabel { color: #067647; }
QFrame#messageStrip[kind="error"] QLabel { color: #b42318; }
QFrame#messageStrip[kind="info"] QLabel { color: #175cd3; }
QFrame#messageStrip QLabel#messageIcon {
    color: #ffffff; border-radius: 10px; font-weight: 700;
}
QFrame#messageStrip[kind="success"] QLabel#messageIcon { background: #17b26a; }
QFrame#messageStrip[kind="error"] QLabel#messageIcon { background: #f04438; }
QFrame#messageStrip[kind="info"] QLabel#messageIcon { background: #2e90fa; }
QToolButton#dismissMessageButton {
    border: none; border-radius: 4px; color: #475467; padding: 2px 6px;
}
QToolButton#dismissMessageButton:hover { background: rgba(16, 24, 40, 0.08); }

QWidget#brandAccountsPage { background: #f7f8fa; }
QScrollArea#brandScroll, QWidget#brandList { background: transparent; border: none; }
QLabel[role="providerTag"] {
    color: #344054; background: #f2f4f7; border: 1px solid #e4e7ec; border-radius: 4px;
    padding: 1px 7px;
}
QPushButton[action="primary"] {
    background: #2563eb; color: #ffffff; border: 1px solid #2563eb;
}
QPushButton[action="primary"]:hover { background: #1d4ed8; border-color: #1d4ed8; }
QPushButton[action="primary"]:pressed { background: #1e40af; }
QPushButton[action="remove"] { background: #ffffff; color: #b42318; border: 1px solid #fecdca; }
QPushButton[action="remove"]:hover { background: #fef3f2; border-color: #fda29b; }
QFrame#brandEmptyState {
    background: #ffffff; border: 1px dashed #d0d5dd; border-radius: 8px;
}
QLabel#emptyTitle { color: #101828; }
QWidget#notificationsPanel { background: #f7f8fa; }
QFrame#notificationsEmptyState {
    background: #ffffff; border: 1px dashed #d0d5dd; border-radius: 8px;
}
QListView#notificationList {
    background: #ffffff; border: 1px solid #e4e7ec; border-radius: 8px; padding: 4px;
    outline: 0;
}
QListView#notificationList::item {
    color: #101828; padding: 10px 12px; border-bottom: 1px solid #f2f4f7;
}
QListView#notificationList::item:hover:!selected { background: #f9fafb; }
QListView#notificationList::item:selected { background: #eff4ff; color: #101828; }
QLabel#emptyText, QLabel#emptyHint { color: #475467; }
QDialog#addBrandAccountDialog { background: #ffffff; }
QLabel#dialogTitle, QLabel[role="fieldLabel"] { color: #101828; }
QLabel#dialogIntro, QLabel#providerHint { color: #475467; }
QDialog#addBrandAccountDialog QLineEdit {
    border: 1px solid #d0d5dd; border-radius: 6px; padding: 6px 8px; background: #ffffff;
    color: #101828;
}
QDialog#addBrandAccountDialog QLineEdit:focus { border: 2px solid #84adff; padding: 5px 7px; }
QListWidget#providerChoices {
    border: 1px solid #e4e7ec; border-radius: 8px; background: #ffffff; outline: 0;
    padding: 4px;
}
QListWidget#providerChoices::item {
    color: #101828; padding: 5px 8px; border-radius: 6px; margin: 1px 0px;
}
QListWidget#providerChoices::item:disabled { color: #98a2b3; }
QListWidget#providerChoices::item:hover:!selected:enabled { background: #f2f4f7; }
QListWidget#providerChoices::item:selected { background: #dbe6fe; color: #1d3a8a; }
)";

const char kWindowSheet[] = R"(
QFrame#navigationPanel { background: #f2f4f7; border: none; border-right: 1px solid #e4e7ec; }
QLabel#productName { color: #101828; }
QLabel#productSubtitle { color: #667085; }
QLabel#navigationHeader { color: #667085; }
QListWidget#navigationList { background: transparent; border: none; outline: 0; }
QListWidget#navigationList::item {
    color: #344054; padding: 7px 10px; border-radius: 6px; margin: 1px 0px;
}
QListWidget#navigationList::item:hover:!selected { background: #eaecf0; }
QListWidget#navigationList::item:selected { background: #dbe6fe; color: #1d3a8a; }
QStatusBar { background: #ffffff; border-top: 1px solid #e4e7ec; }
QStatusBar QLabel#statusText { color: #475467; padding: 2px 8px; }
)";

} // namespace

void applyAppearance(QApplication &app)
{
    app.setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QPalette palette = app.style()->standardPalette();
    palette.setColor(QPalette::Window, QColor(0xf7, 0xf8, 0xfa));
    palette.setColor(QPalette::WindowText, QColor(0x10, 0x18, 0x28));
    palette.setColor(QPalette::Base, Qt::white);
    palette.setColor(QPalette::Text, QColor(0x10, 0x18, 0x28));
    palette.setColor(QPalette::Highlight, QColor(0x25, 0x63, 0xeb));
    palette.setColor(QPalette::ToolTipBase, QColor(0x1d, 0x29, 0x39));
    palette.setColor(QPalette::ToolTipText, Qt::white);
    app.setPalette(palette);
}

QString pageStyleSheet()
{
    return QString::fromUtf8(kPageSheet);
}

QString windowStyleSheet()
{
    return QString::fromUtf8(kWindowSheet);
}

QColor badgeColour(const QString &providerKey)
{
    static constexpr std::array<QRgb, 8> kColours = {0x3b5bdb, 0x0b7285, 0x5f3dc4, 0x2b8a3e,
                                                     0xc2255c, 0xe67700, 0x862e9c, 0x1971c2};
    // A plain sum, not qHash: qHash is seeded per process and the badge must not change.
    uint sum = 0;
    for (const QChar c : providerKey)
        sum += c.unicode();
    return QColor::fromRgb(kColours.at(sum % kColours.size()));
}

QString stateName(ConnectionState state)
{
    switch (state) {
    case ConnectionState::NotConnected:
        return QStringLiteral("notConnected");
    case ConnectionState::Connected:
        return QStringLiteral("connected");
    case ConnectionState::RequiresReauth:
        return QStringLiteral("requiresReauth");
    }
    return {};
}

void setStyleProperty(QWidget *widget, const char *name, const QString &value)
{
    if (widget->property(name).toString() == value)
        return;
    widget->setProperty(name, value);
    // Style sheets read dynamic properties at polish time only, and descendant selectors
    // ("#messageStrip[kind=error] QLabel") need the children polished again too.
    QList<QWidget *> affected = widget->findChildren<QWidget *>();
    affected.prepend(widget);
    for (QWidget *w : std::as_const(affected)) {
        w->style()->unpolish(w);
        w->style()->polish(w);
        w->update();
    }
}

} // namespace EasyCrm::Ui::Theme
