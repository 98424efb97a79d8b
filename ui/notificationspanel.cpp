#include "ui/notificationspanel.h"

#include "ui/theme.h"

#include <QAbstractItemModel>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QPushButton>
#include <QVBoxLayout>

namespace EasyCrm::Ui {

namespace {

// As on the other pages: past this width a line of text is hard to follow.
constexpr int kMaxContentWidth = 880;

QLabel *titleLabel(const QString &text, const QString &objectName, qreal scale, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setObjectName(objectName);
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * scale);
    font.setWeight(QFont::DemiBold);
    label->setFont(font);
    return label;
}

QLabel *textLabel(const QString &text, const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    return label;
}

} // namespace

NotificationsPanel::NotificationsPanel(QAbstractItemModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_view(new QListView(this))
    , m_openSettings(new QPushButton(tr("Open Social Integration"), this))
    , m_markAllRead(new QPushButton(tr("Mark all as read"), this))
{
    setObjectName(QStringLiteral("notificationsPanel"));
    setAttribute(Qt::WA_StyledBackground);
    setStyleSheet(Theme::pageStyleSheet());

    auto *column = new QVBoxLayout;
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(16);
    column->addWidget(buildHeader());
    column->addWidget(buildList(), 1);
    column->addWidget(buildEmptyState(), 0);
    column->addStretch(0);
    column->addWidget(buildFooter());
    auto *columnHolder = new QWidget(this);
    columnHolder->setMaximumWidth(kMaxContentWidth);
    columnHolder->setLayout(column);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(32, 28, 32, 20);
    layout->addWidget(columnHolder, 1);
    layout->addStretch(0);

    connect(m_openSettings, &QPushButton::clicked, this,
            &NotificationsPanel::openSettingsRequested);
    connect(m_markAllRead, &QPushButton::clicked, this, &NotificationsPanel::markAllReadRequested);
    connect(m_view, &QListView::activated, this,
            [this](const QModelIndex &index) { emit activated(index.row()); });
    connect(model, &QAbstractItemModel::modelReset, this, &NotificationsPanel::updateEmptyState);
    connect(model, &QAbstractItemModel::rowsInserted, this, &NotificationsPanel::updateEmptyState);
    connect(model, &QAbstractItemModel::rowsRemoved, this, &NotificationsPanel::updateEmptyState);
    updateEmptyState();
}

QWidget *NotificationsPanel::buildHeader()
{
    auto *header = new QWidget(this);
    auto *texts = new QVBoxLayout;
    texts->setSpacing(4);
    texts->addWidget(titleLabel(tr("Notifications"), QStringLiteral("pageTitle"), 1.75, header));
    texts->addWidget(textLabel(tr("Connections that need you, newest first: open one to go "
                                  "where it is fixed."),
                               QStringLiteral("pageDescription"), header));

    m_markAllRead->setObjectName(QStringLiteral("markAllReadButton"));
    m_markAllRead->setProperty("action", QStringLiteral("secondary"));
    m_markAllRead->setCursor(Qt::PointingHandCursor);
    auto *layout = new QHBoxLayout(header);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(24);
    layout->addLayout(texts, 1);
    layout->addWidget(m_markAllRead, 0, Qt::AlignTop | Qt::AlignRight);
    return header;
}

QWidget *NotificationsPanel::buildList()
{
    m_view->setObjectName(QStringLiteral("notificationList"));
    m_view->setModel(m_model);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setWordWrap(true);
    m_view->setUniformItemSizes(false);
    m_view->setFrameShape(QFrame::NoFrame);
    m_view->setAccessibleName(tr("Notifications"));
    return m_view;
}

// What someone meeting an empty page needs to know: that nothing is wrong, and what would
// appear here.
QWidget *NotificationsPanel::buildEmptyState()
{
    m_emptyState = new QFrame(this);
    m_emptyState->setObjectName(QStringLiteral("notificationsEmptyState"));
    m_empty = titleLabel(tr("No notifications"), QStringLiteral("emptyTitle"), 1.15, m_emptyState);
    auto *text = textLabel(tr("Nothing needs your attention. When a provider stops accepting "
                              "one of your connections, it is listed here so you can reconnect "
                              "it."),
                           QStringLiteral("emptyText"), m_emptyState);
    auto *layout = new QVBoxLayout(m_emptyState);
    layout->setContentsMargins(24, 22, 24, 22);
    layout->setSpacing(8);
    layout->addWidget(m_empty);
    layout->addWidget(text);
    return m_emptyState;
}

// Reconnect is on Social Integration; the button says so rather than "Settings".
QWidget *NotificationsPanel::buildFooter()
{
    auto *footer = new QWidget(this);
    m_openSettings->setObjectName(QStringLiteral("openSocialIntegrationButton"));
    m_openSettings->setProperty("action", QStringLiteral("secondary"));
    m_openSettings->setCursor(Qt::PointingHandCursor);
    m_openSettings->setToolTip(tr("Reconnect your connections on Social Integration."));
    auto *layout = new QHBoxLayout(footer);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addStretch(1);
    layout->addWidget(m_openSettings);
    return footer;
}

void NotificationsPanel::updateEmptyState()
{
    const bool empty = m_model->rowCount() == 0;
    m_view->setVisible(!empty);
    m_emptyState->setVisible(empty);
    m_markAllRead->setEnabled(!empty);
}

} // namespace EasyCrm::Ui
