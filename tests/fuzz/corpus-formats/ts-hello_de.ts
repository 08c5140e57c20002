ts
<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE" sourcelanguage="en_US">
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../src/mainwindow.cpp" line="42"/>
        <location filename="../src/mainwindow.cpp" line="97"/>
        <source>&amp;Open…</source>
        <translation>Ö&amp;ffnen…</translation>
    </message>
    <message>
        <location filename="../src/mainwindow.cpp" line="50"/>
        <source>Delete %1?</source>
        <comment>file name follows</comment>
        <extracomment>Shown before a file is deleted for good.</extracomment>
        <translatorcomment>Kurz halten.</translatorcomment>
        <translation type="unfinished">%1 löschen?</translation>
    </message>
    <message>
        <location filename="../src/mainwindow.cpp" line="51"/>
        <source>Delete %1?</source>
        <comment>folder name follows</comment>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../src/mainwindow.cpp" line="60"/>
        <source>%n file(s) copied</source>
        <translation>
            <numerusform>%n Datei kopiert</numerusform>
            <numerusform>%n Dateien kopiert</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../src/mainwindow.cpp" line="61"/>
        <source>%n folder(s) left</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location filename="../src/mainwindow.cpp" line="70"/>
        <source>&lt;b&gt;Warning:&lt;/b&gt; the file &lt;i&gt;%1&lt;/i&gt; is read-only &amp; locked.</source>
        <translation type="unfinished"/>
    </message>
    <message>
        <source>Removed long ago</source>
        <translation type="vanished">Vor langer Zeit entfernt</translation>
    </message>
    <message>
        <source>Older still</source>
        <translation type="obsolete">Noch älter</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message id="settings.title">
        <location filename="../src/settings.qml" line="12"/>
        <source>Settings</source>
        <extracomment>Window title</extracomment>
        <translation>Einstellungen</translation>
    </message>
    <message id="settings.bell">
        <source>Ring<byte value="x7"/> the bell</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quotes &quot;here&quot; and &apos;there&apos;</source>
        <comment>no translation element yet</comment>
    </message>
</context>
</TS>
