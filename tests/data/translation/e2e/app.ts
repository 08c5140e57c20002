<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" sourcelanguage="en">
<context>
    <name>MainWindow</name>
    <message>
        <location filename="mainwindow.cpp" line="20"/>
        <source>&amp;Open File…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="mainwindow.cpp" line="31"/>
        <source>Saved %1 to &lt;b&gt;%2&lt;/b&gt;.</source>
        <comment>status bar</comment>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
